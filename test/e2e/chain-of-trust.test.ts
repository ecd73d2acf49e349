/**
 * Nobody is left with a request no one can decide: deactivating an approver moves what waited
 * on them to the next approvers the tables allow, down to the Help Desk. And the operator's
 * deadline policy reaches requests already waiting.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local-stack';
import { ApiClient, Journey, type Role, type Started } from '../support/api-client';
import { waitForMessage } from '../support/mailbox';
import { startTestStack } from '../support/stack';

let stack: LocalStack;
let api: ApiClient;
let journey: Journey;
const tokens: Record<string, string> = {};
const userIds: Record<string, string> = {};
let organizationId: string;
let userGroupId: string;
let counter = 0;

const waitingRequest = (role: Role, details: Record<string, unknown>) =>
  journey.waitingRequest(role, `person${++counter}@trust.example.test`, details);

async function approveAndLogIn(name: string, request: Started, approver: string): Promise<void> {
  const { userId, token } = await journey.approveAndLogIn(request, tokens[approver]!, `Trust-${name}-Passw0rd-2026`);
  userIds[name] = userId;
  tokens[name] = token;
}

const queueOf = async (name: string) =>
  (await api.call<{ id: string }[]>('GET', '/approvals', { token: tokens[name]! })).body.map((q) => q.id);

beforeAll(async () => {
  stack = await startTestStack();
  api = new ApiClient(stack.apiUrl);
  journey = new Journey(api, stack.mailCatcherUrl!);
  tokens.helpDesk = (await journey.login(stack.config.helpDesk.userId, stack.config.helpDesk.password)).body.token;
  tokens.operator = (await journey.login(stack.config.operator.userId, stack.config.operator.password)).body.token;
  await approveAndLogIn(
    'so',
    await waitingRequest('SECURITY_OFFICIAL', {
      organization: { name: 'Trust Clinic', country: 'US', state: 'MD', providerType: 'HOSPITAL' },
    }),
    'helpDesk',
  );
  organizationId = (await api.call<{ id: string }[]>('GET', '/organizations?name=Trust&country=US&state=MD')).body[0]!.id;
  await approveAndLogIn(
    'uga',
    await waitingRequest('USER_GROUP_ADMINISTRATOR', { organizationId, userGroup: { name: 'Trust Billing', kind: 'PROVIDER' } }),
    'so',
  );
  userGroupId = (await api.call<{ userGroups: { id: string }[] }[]>('GET', '/organizations?name=Trust&country=US&state=MD')).body[0]!
    .userGroups[0]!.id;
}, 240_000);
afterAll(async () => {
  await stack?.stop();
});

describe('chain of trust', () => {
  let endUser: Started;

  it('a waiting End User request shows who holds it and by when it is due', async () => {
    endUser = await waitingRequest('END_USER', { organizationId, userGroupId });
    const view = await journey.view(endUser);
    expect(view.body).toMatchObject({ status: 'AWAITING_APPROVAL', heldBy: ['USER_GROUP_ADMINISTRATOR'], nextDeadline: 'REMIND' });
    const body = view.body as unknown as { dueAt: string; expiresAt: string };
    expect(Date.parse(body.dueAt)).toBeGreaterThan(Date.now());
    expect(Date.parse(body.expiresAt)).toBeGreaterThan(Date.parse(body.dueAt));
    expect(await queueOf('uga')).toEqual([endUser.id]);
    expect(await queueOf('so')).toEqual([]);
    const [item] = (await api.call<{ heldBy: string[]; expiresAt: string }[]>('GET', '/approvals', { token: tokens.uga! })).body;
    expect(item!.heldBy).toEqual(['USER_GROUP_ADMINISTRATOR']);
    expect(item!.expiresAt).toBe(body.expiresAt);
  });

  it('only the Help Desk or an operator may deactivate accounts', async () => {
    expect((await api.call('POST', `/accounts/${userIds.uga}/deactivate`, { token: tokens.so! })).status).toBe(403);
    expect((await api.call('POST', `/accounts/${userIds.uga}/deactivate`)).status).toBe(401);
    expect((await api.call('POST', '/accounts/NOSUCHUSER1/deactivate', { token: tokens.helpDesk! })).status).toBe(404);
  });

  it("deactivating the group's UGA moves the request to the organization's SO/BSO, who is told", async () => {
    const answer = await api.call<{ rerouted: { registrationId: string; heldBy: string[] }[] }>(
      'POST',
      `/accounts/${userIds.uga}/deactivate`,
      { token: tokens.helpDesk! },
    );
    expect(answer.status).toBe(200);
    expect(answer.body.rerouted).toEqual([
      { registrationId: endUser.id, heldBy: ['USER_GROUP_ADMINISTRATOR', 'SECURITY_OFFICIAL', 'BACKUP_SECURITY_OFFICIAL'] },
    ]);
    await expect.poll(() => queueOf('so')).toEqual([endUser.id]);
    await waitForMessage(stack.mailCatcherUrl!, { to: 'person1@trust.example.test', subject: /Escalation/ }, 20_000);
    // The deactivated account can neither use its session nor log in again.
    expect((await api.call('GET', '/approvals', { token: tokens.uga! })).status).toBe(401);
    expect((await journey.login(userIds.uga!, 'Trust-uga-Passw0rd-2026')).status).toBe(401);
  });

  it('deactivating the SO too leaves the Help Desk, who decides', async () => {
    const answer = await api.call<{ rerouted: { registrationId: string; heldBy: string[] }[] }>(
      'POST',
      `/accounts/${userIds.so}/deactivate`,
      { token: tokens.operator! },
    );
    expect(answer.status).toBe(200);
    expect(answer.body.rerouted.map((r) => r.registrationId)).toEqual([endUser.id]);
    expect(answer.body.rerouted[0]!.heldBy).toContain('HELP_DESK');
    await expect.poll(() => queueOf('helpDesk')).toContain(endUser.id);
    expect((await journey.decide(endUser.id, tokens.helpDesk!, 'APPROVE')).status).toBe(200);
    await journey.waitForStatus(endUser, 'PROVISIONED');
  });
});

describe('the approval-deadline policy', () => {
  it('only an operator may read or change it; a bad policy is refused and changes nothing', async () => {
    expect((await api.call('GET', '/admin/deadline-policy', { token: tokens.helpDesk! })).status).toBe(403);
    const before = await api.call<{ policy: Record<string, number> }>('GET', '/admin/deadline-policy', { token: tokens.operator! });
    expect(before.status).toBe(200);
    const bad = await api.call<{ errors: { path: string }[] }>('PUT', '/admin/deadline-policy', {
      token: tokens.operator!,
      body: { reminderAfterBusinessDays: 5, escalateAfterBusinessDays: 3, expireAfterBusinessDays: 20 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e) => e.path)).toContain('escalateAfterBusinessDays');
    expect((await api.call('GET', '/admin/deadline-policy', { token: tokens.operator! })).body).toEqual(before.body);
  });

  it('a new policy reaches a request already waiting: its due date moves', async () => {
    const waiting = await waitingRequest('INDIVIDUAL_PRACTITIONER', {});
    const dueBefore = (await journey.view(waiting)).body as unknown as { dueAt: string; expiresAt: string };
    const changed = await api.call<{ appliedTo: number }>('PUT', '/admin/deadline-policy', {
      token: tokens.operator!,
      body: { reminderAfterBusinessDays: 7, escalateAfterBusinessDays: 14, expireAfterBusinessDays: 30 },
    });
    expect(changed.status).toBe(200);
    expect(changed.body.appliedTo).toBeGreaterThanOrEqual(1);
    const dueAfter = (await journey.view(waiting)).body as unknown as { dueAt: string; expiresAt: string };
    expect(Date.parse(dueAfter.dueAt)).toBeGreaterThan(Date.parse(dueBefore.dueAt));
    expect(Date.parse(dueAfter.expiresAt)).toBeGreaterThan(Date.parse(dueBefore.expiresAt));
    // A request submitted afterwards starts with the new policy.
    const later = await waitingRequest('INDIVIDUAL_PRACTITIONER', {});
    const laterView = (await journey.view(later)).body as unknown as { expiresAt: string };
    expect(Date.parse(laterView.expiresAt) - Date.now()).toBeGreaterThan(35 * 24 * 3600 * 1000);
  });
});
