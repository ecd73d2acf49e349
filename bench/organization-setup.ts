/**
 * The untimed setup every flow registration needs: an organization (its Security Official
 * approved by the Help Desk) and a user group in it (its User Group Administrator approved by the SO).
 */
import { out, type BenchContext } from './context';
import { Applicant, Approver, NEW_PASSWORD, type Clients } from './flow';
import { now, round } from './stats';

export interface BenchOrganization {
  /** The `setup` section of the result. */
  setup: { seconds: number; organizationId: string; userGroupId: string; soUserId: string; ugaUserId: string };
  /** Approves the End Users joining the group. */
  ugaApprover: Approver;
}

const GROUP_NAME = 'Bench Billing Office';

export async function setUpOrganization(ctx: BenchContext): Promise<BenchOrganization> {
  const { clients, identities, email, helpDesk, runId } = ctx;
  out('setup: Security Official → organization, User Group Administrator → user group');
  const setupStart = now();
  const orgName = `Bench Clinic ${runId}`;
  const so = new Applicant(clients, 'SECURITY_OFFICIAL', identities.take().identity, email('so'));
  await so.park({ organization: { name: orgName, country: 'US', state: 'MD', providerType: 'PHYSICIAN_GROUP_PRACTICE' } });
  const soAccount = await so.approveAndLogIn(helpDesk);
  const soApprover = new Approver(clients, soAccount.userId, NEW_PASSWORD);
  const organizationId = (await findOrganization(clients, orgName)).id;
  const uga = new Applicant(clients, 'USER_GROUP_ADMINISTRATOR', identities.take().identity, email('uga'));
  await uga.park({ organizationId, userGroup: { name: GROUP_NAME, kind: 'PROVIDER' } });
  const ugaAccount = await uga.approveAndLogIn(soApprover);
  const ugaApprover = new Approver(clients, ugaAccount.userId, NEW_PASSWORD);
  const userGroupId = (await findOrganization(clients, orgName)).userGroups.find((g) => g.name === GROUP_NAME)?.id;
  if (!userGroupId) throw new Error('the user group was not created');
  const seconds = (now() - setupStart) / 1000;
  return {
    setup: { seconds: round(seconds), organizationId, userGroupId, soUserId: soAccount.userId, ugaUserId: ugaAccount.userId },
    ugaApprover,
  };
}

async function findOrganization(clients: Clients, name: string) {
  const answer = await clients.api.call<{ id: string; name: string; userGroups: { id: string; name: string }[] }[]>(
    'GET',
    `/organizations?name=${encodeURIComponent(name)}&country=US&state=MD`,
  );
  const found = answer.body.find((o) => o.name === name);
  if (answer.status !== 200 || !found) throw new Error(`organization ${name} not found (${answer.status})`);
  return found;
}
