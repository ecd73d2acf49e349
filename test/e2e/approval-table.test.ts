/**
 * Table 1 of the IACS guide, row by row, on real servers: for each registration role the
 * approver the table names succeeds, and every other kind of principal gets 403.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local-stack';
import { ApiClient, Journey, type Role, type Started } from '../support/api-client';
import { startTestStack } from '../support/stack';

let stack: LocalStack;
let api: ApiClient;
let journey: Journey;
const tokens: Record<string, string> = {};
const ids: Record<string, string> = {};
let counter = 0;

async function organizationNamed(name: string): Promise<{ id: string; userGroups: { id: string; name: string }[] }> {
  const [organization] = (
    await api.call<{ id: string; name: string; userGroups: { id: string; name: string }[] }[]>(
      'GET',
      `/organizations?name=${encodeURIComponent(name)}&country=US&state=MD`,
    )
  ).body;
  return organization!;
}

const waitingRequest = (role: Role, details: Record<string, unknown>) =>
  journey.waitingRequest(role, `applicant${++counter}@table.example.test`, details);

/** Has `approver` approve `request`, then completes the new account's first login under `name`. */
async function approveAndLogIn(name: string, request: Started, approver: string): Promise<void> {
  tokens[name] = (await journey.approveAndLogIn(request, tokens[approver]!, `Table-${name}-Passw0rd-2026`)).token;
}

beforeAll(async () => {
  stack = await startTestStack();
  api = new ApiClient(stack.apiUrl);
  journey = new Journey(api, stack.mailCatcherUrl!);
  tokens.helpDesk = (await journey.login(stack.config.helpDesk.userId, stack.config.helpDesk.password)).body.token;
  // Organization A (provider) with a group, organization B with a group, and a registry organization R.
  for (const [key, name, providerType] of [
    ['A', 'Alpha Clinic', 'HOSPITAL'],
    ['B', 'Beta Clinic', 'HOSPITAL'],
    ['R', 'Rho Registry', 'REGISTRY'],
  ] as const) {
    await approveAndLogIn(
      `so${key}`,
      await waitingRequest('SECURITY_OFFICIAL', { organization: { name, country: 'US', state: 'MD', providerType } }),
      'helpDesk',
    );
    ids[`org${key}`] = (await organizationNamed(name)).id;
    const kind = key === 'R' ? 'REGISTRY' : 'PROVIDER';
    await approveAndLogIn(
      `uga${key}`,
      await waitingRequest('USER_GROUP_ADMINISTRATOR', { organizationId: ids[`org${key}`], userGroup: { name: `${name} Group`, kind } }),
      `so${key}`,
    );
    ids[`group${key}`] = (await organizationNamed(name)).userGroups[0]!.id;
  }
  await approveAndLogIn('endUserA', await waitingRequest('END_USER', { organizationId: ids.orgA, userGroupId: ids.groupA }), 'ugaA');
}, 240_000);
afterAll(async () => {
  await stack?.stop();
});

interface Row {
  role: Role;
  details: () => Record<string, unknown>;
  approver: string;
  /** Every other kind of principal, each refused with 403. */
  refused: string[];
}

const TABLE_1: Row[] = [
  {
    role: 'SECURITY_OFFICIAL',
    details: () => ({ organization: { name: 'Gamma Clinic', country: 'US', state: 'VA', providerType: 'HOSPITAL' } }),
    approver: 'helpDesk',
    refused: ['soA', 'soB', 'ugaA', 'endUserA'],
  },
  {
    role: 'BACKUP_SECURITY_OFFICIAL',
    details: () => ({ organizationId: ids.orgA }),
    approver: 'soA',
    refused: ['soB', 'ugaA', 'endUserA', 'helpDesk'],
  },
  {
    role: 'USER_GROUP_ADMINISTRATOR',
    details: () => ({ organizationId: ids.orgA, userGroup: { name: 'Alpha Second Group', kind: 'PROVIDER' } }),
    approver: 'soA',
    refused: ['soB', 'ugaA', 'ugaB', 'endUserA', 'helpDesk'],
  },
  {
    role: 'END_USER',
    details: () => ({ organizationId: ids.orgA, userGroupId: ids.groupA }),
    approver: 'ugaA',
    refused: ['ugaB', 'soA', 'soB', 'endUserA', 'helpDesk'],
  },
  {
    role: 'INDIVIDUAL_PRACTITIONER',
    details: () => ({}),
    approver: 'helpDesk',
    refused: ['soA', 'ugaA', 'endUserA'],
  },
  {
    role: 'REGISTRY_END_USER',
    details: () => ({ organizationId: ids.orgR, userGroupId: ids.groupR }),
    approver: 'ugaR',
    refused: ['ugaA', 'soR', 'soA', 'endUserA', 'helpDesk'],
  },
];

describe('Table 1: who approves each registration role', () => {
  for (const row of TABLE_1) {
    it(`${row.role}: ${row.approver} approves; ${row.refused.join(', ')} get 403; the applicant's token is no account (401)`, async () => {
      const request = await waitingRequest(row.role, row.details());
      for (const principal of row.refused) {
        const refused = await journey.decide(request.id, tokens[principal]!, 'APPROVE');
        expect(refused.status, `${principal} deciding a ${row.role} request`).toBe(403);
      }
      expect((await journey.decide(request.id, request.token, 'APPROVE')).status).toBe(401);
      const queue = await api.call<{ id: string }[]>('GET', '/approvals', { token: tokens[row.approver]! });
      expect(queue.body.map((q) => q.id)).toContain(request.id);
      for (const principal of row.refused) {
        const theirs = await api.call<{ id: string }[]>('GET', '/approvals', { token: tokens[principal]! });
        expect(theirs.body.map((q) => q.id)).not.toContain(request.id);
      }
      expect((await journey.decide(request.id, tokens[row.approver]!, 'APPROVE')).status).toBe(200);
      await journey.waitForStatus(request, 'PROVISIONED');
    }, 90_000);
  }

  it('the applicant may not decide their own request: an SO asking for a UGA role in their own organization gets 403, a BSO approves', async () => {
    // Row 2 made a BSO of organization A; give it a ready session.
    const bso = await waitingRequest('BACKUP_SECURITY_OFFICIAL', { organizationId: ids.orgA });
    await approveAndLogIn('bsoA', bso, 'soA');
    const answer = await api.call<{ id: string; applicantToken: string }>('POST', '/me/role-requests', {
      token: tokens.soA!,
      body: { community: 'PROVIDER_SUPPLIER', role: 'USER_GROUP_ADMINISTRATOR', acceptedTerms: { role: true } },
    });
    expect(answer.status).toBe(202);
    const request: Started = { id: answer.body.id, token: answer.body.applicantToken, email: '' };
    await journey.submitWith(request, { organizationId: ids.orgA, userGroup: { name: 'Alpha Officers Group', kind: 'PROVIDER' } });
    expect((await journey.decide(request.id, tokens.soA!, 'APPROVE')).status).toBe(403);
    // Nor does it appear in the applicant's own queue, though their role is on its route.
    const own = await api.call<{ id: string }[]>('GET', '/approvals', { token: tokens.soA! });
    expect(own.body.map((q) => q.id)).not.toContain(request.id);
    const theirs = await api.call<{ id: string }[]>('GET', '/approvals', { token: tokens.bsoA! });
    expect(theirs.body.map((q) => q.id)).toContain(request.id);
    expect((await journey.decide(request.id, tokens.bsoA!, 'APPROVE')).status).toBe(200);
    await journey.waitForStatus(request, 'PROVISIONED');
  }, 90_000);

  it('a registry user group lives only in a registry organization', async () => {
    const request = await journey.register('USER_GROUP_ADMINISTRATOR', 'wrong-kind@table.example.test');
    await journey.verifyEmail(request);
    const put = await api.call<{ errors: { path: string }[] }>('PUT', `/registrations/${request.id}/details`, {
      token: request.token,
      body: {
        contact: {
          phone: '+1 410 555 0100',
          address: { line1: '1 Main St', city: 'Towson', state: 'MD', postalCode: '21204', country: 'US' },
        },
        justification: 'x',
        organizationId: ids.orgA,
        userGroup: { name: 'Alpha Registry', kind: 'REGISTRY' },
      },
    });
    expect(put.status).toBe(422);
    expect(put.body.errors.map((e) => e.path)).toEqual(['userGroup.kind']);
  });
});
