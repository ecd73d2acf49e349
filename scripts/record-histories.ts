/**
 * Records workflow histories as replay fixtures (test/fixtures/histories/*.binpb, protobuf): each path runs
 * once on a fresh local stack with the workflow code of the checkout, and its history is saved.
 * Run it before changing a workflow's command order, commit the files, and the replay test
 * (test/workflow/replay-fixtures.test.ts) then proves the new code still replays them.
 *
 *   npx tsx scripts/record-histories.ts <label>
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { temporal as proto } from '@temporalio/proto';
import { connectTemporalClient } from '../infra/temporal-connection';
import { startLocalStack } from '../local-stack';
import { ApiClient, contact, Journey } from '../test/support/api-client';
import { generatedIdentity, SSA_NON_MATCHING_EXAMPLES } from '../simulators/ssa-fixtures';
import { ownServersEnv } from '../test/support/own-servers';
import { workflowIdFor } from '../workflows/messages';

async function main(label: string): Promise<void> {
  const stack = await startLocalStack({ dataDir: mkdtempSync(join(tmpdir(), 'iacs-record-')), env: ownServersEnv() });
  const temporal = await connectTemporalClient({ ...stack.config.temporal, payloadKeys: stack.config.payloadKeys });
  const out = join(__dirname, '../test/fixtures/histories');
  mkdirSync(out, { recursive: true });
  try {
    const api = new ApiClient(stack.apiUrl);
    const journey = new Journey(api, stack.mailCatcherUrl!);
    const helpDesk = await journey.login(stack.config.helpDesk.userId, stack.config.helpDesk.password);
    const paths: Record<string, string> = {};

    // An Individual Practitioner, approved by the Help Desk, provisioned.
    const approved = await journey.waitingRequest('INDIVIDUAL_PRACTITIONER', 'recorded.ip@example.test', {});
    await journey.decide(approved.id, helpDesk.body.token, 'APPROVE');
    await journey.waitForStatus(approved, 'PROVISIONED');
    paths['individual-practitioner-provisioned'] = approved.id;

    // One denied with a reason.
    const denied = await journey.waitingRequest('INDIVIDUAL_PRACTITIONER', 'recorded.denied@example.test', {});
    await journey.decide(denied.id, helpDesk.body.token, 'DENY', 'not a provider we know');
    await journey.waitForStatus(denied, 'DENIED');
    paths['individual-practitioner-denied'] = denied.id;

    // One cancelled by the applicant while giving details.
    const cancelled = await journey.register('INDIVIDUAL_PRACTITIONER', 'recorded.cancel@example.test');
    await journey.verifyEmail(cancelled);
    await api.call('POST', `/registrations/${cancelled.id}/cancel`, { token: cancelled.token });
    await journey.waitForStatus(cancelled, 'CANCELLED');
    paths['cancelled-awaiting-details'] = cancelled.id;

    // One the SSA does not match: IDENTITY_REJECTED.
    const rejected = await journey.register(
      'INDIVIDUAL_PRACTITIONER',
      'recorded.rejected@example.test',
      SSA_NON_MATCHING_EXAMPLES[1]!.identity,
    );
    await journey.waitForStatus(rejected, 'IDENTITY_REJECTED');
    paths['identity-rejected'] = rejected.id;

    // Wrong codes, a resend, the new code, then a Security Official with a new organization, provisioned.
    const official = await journey.register('SECURITY_OFFICIAL', 'recorded.so@example.test', generatedIdentity(700));
    await journey.waitForStatus(official, 'AWAITING_EMAIL_VERIFICATION');
    for (let i = 0; i < 2; i++)
      await api.call('POST', `/registrations/${official.id}/email-verification`, { token: official.token, body: { code: '000000' } });
    await api.call('POST', `/registrations/${official.id}/email-verification/resend`, { token: official.token });
    const code = await journey.emailedCode(official, 2);
    await api.call('POST', `/registrations/${official.id}/email-verification`, { token: official.token, body: { code } });
    await journey.waitForStatus(official, 'AWAITING_DETAILS');
    await journey.submitWith(official, {
      organization: { name: 'Recorded Clinic', country: 'US', state: 'MD', providerType: 'HOSPITAL' },
    });
    await journey.decide(official.id, helpDesk.body.token, 'APPROVE');
    await journey.waitForStatus(official, 'PROVISIONED');
    paths['security-official-resent-code-provisioned'] = official.id;

    // The same official asks twice for another role at the same place: the second request's details
    // are refused (409, RoleAlreadyRequested); it takes another group instead; both are cancelled.
    const so = await journey.credentials('recorded.so@example.test');
    const soToken = await journey.completeFirstLogin(so.userId, so.password, 'Recorded-Clinic-Officer-2026');
    const [clinic] = (await api.call<{ id: string }[]>('GET', '/organizations?name=Recorded%20Clinic&country=US&state=MD')).body;
    const roleRequest = async () => {
      const answer = await api.call<{ id: string; applicantToken: string }>('POST', '/me/role-requests', {
        token: soToken,
        body: { community: 'PROVIDER_SUPPLIER', role: 'USER_GROUP_ADMINISTRATOR', acceptedTerms: { role: true } },
      });
      return { id: answer.body.id, token: answer.body.applicantToken, email: '' };
    };
    const groupDetails = (name: string) => ({
      contact,
      justification: 'I administer this group.',
      organizationId: clinic!.id,
      userGroup: { name, kind: 'PROVIDER' },
    });
    const first = await roleRequest();
    const second = await roleRequest();
    await api.call('PUT', `/registrations/${first.id}/details`, { token: first.token, body: groupDetails('Recorded Group') });
    const taken = await api.call('PUT', `/registrations/${second.id}/details`, {
      token: second.token,
      body: groupDetails('Recorded Group'),
    });
    if (taken.status !== 409) throw new Error(`the second request's details answered ${taken.status}, not 409`);
    await api.call('PUT', `/registrations/${second.id}/details`, { token: second.token, body: groupDetails('Other Recorded Group') });
    for (const r of [first, second]) {
      await api.call('POST', `/registrations/${r.id}/cancel`, { token: r.token });
      await journey.waitForStatus(r, 'CANCELLED');
    }
    paths['role-request-already-requested-then-cancelled'] = second.id;

    for (const [name, id] of Object.entries(paths)) {
      const handle = temporal.workflow.getHandle(workflowIdFor(id));
      await handle.result(); // the whole history, up to the workflow's end
      const history = await handle.fetchHistory();
      writeFileSync(join(out, `${label}-${name}.binpb`), proto.api.history.v1.History.encode(history).finish());
      console.warn(`recorded ${label}-${name} (${history.events?.length ?? 0} events)`);
    }
  } finally {
    await temporal.connection.close();
    await stack.stop();
  }
}

main(process.argv[2] ?? 'registration').catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
