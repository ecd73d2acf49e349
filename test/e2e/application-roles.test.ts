/**
 * Table 2 of the IACS guide on real servers: members of a user group ask for application roles,
 * each request a workflow of its own, routed to the organization's SO/BSO (Approvers, and Users
 * of a group without an Approver) or to the group's Application Approver (Users, once there is
 * one). Organization Alpha: SO, BSO, UGA of "Alpha Billing" (group 1) with End Users EU1 and EU2,
 * UGA2 of "Alpha Front Desk" (group 2); organization Beta: its SO.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Worker } from '@temporalio/worker';
import { APPLICATION_ROLE_SUBJECTS } from '../../activities/application-role-emails';
import type { LocalStack } from '../../local-stack';
import { connectTemporalClient, dataConverterFor } from '../../infra/temporal-connection';
import { applicationRoleWorkflowIdFor } from '../../workflows/application-role-messages';
import { ApiClient, Journey, type Role, type Started } from '../support/api-client';
import { listMessages, waitForMessage } from '../support/mailbox';
import { startTestStack } from '../support/stack';
import { testWorkflowBundle } from '../support/workflow-bundle';

let stack: LocalStack;
let api: ApiClient;
let journey: Journey;

interface Person {
  userId: string;
  token: string;
  email: string;
}
interface RequestView {
  id: string;
  status: string;
  trackingNumber?: string;
  heldBy?: string[];
  reason?: string;
  decidedBy?: string;
  requesterUserId: string;
  applicationId: string;
  application: string;
  role: string;
  history: { status: string; at: string }[];
}
interface Approval {
  kind: 'REGISTRATION' | 'APPLICATION_ROLE';
  id: string;
  role: string;
  trackingNumber?: string;
  applicationId?: string;
  application?: string;
  organization?: string;
  userGroup?: string;
  requester?: { userId: string; name?: string };
  submittedAt: string;
}

const people = {} as Record<'so' | 'bso' | 'otherSo' | 'uga' | 'uga2' | 'eu1' | 'eu2', Person>;
let helpDesk: string;
let organizationId: string;
let group1: string;
let group2: string;

let passwordCounter = 0;
async function provision(role: Role, email: string, details: Record<string, unknown>, approverToken: string): Promise<Person> {
  const registration = await journey.register(role, email);
  await journey.verifyEmail(registration);
  await journey.submitWith(registration, details);
  const decision = await journey.decide(registration.id, approverToken, 'APPROVE');
  if (decision.status !== 200) throw new Error(`decision answered ${decision.status}: ${JSON.stringify(decision.body)}`);
  await journey.waitForStatus(registration, 'PROVISIONED');
  const { userId, password } = await journey.credentials(email);
  const token = await journey.completeFirstLogin(userId, password, `Table-Two-Journey-${++passwordCounter}x`);
  return { userId, token, email };
}

const ask = (who: Person, body: Record<string, unknown>) =>
  api.call<{ id: string; status: string; detail?: string; errors?: { path: string }[] }>('POST', '/me/application-roles', {
    token: who.token,
    body,
  });
const view = (id: string, who: Person) => api.call<RequestView>('GET', `/application-role-requests/${id}`, { token: who.token });
const decide = (id: string, who: Person, decision: 'APPROVE' | 'DENY', reason?: string) =>
  api.call<{ status: string }>('POST', `/application-role-requests/${id}/decision`, {
    token: who.token,
    body: reason ? { decision, reason } : { decision },
  });
const cancel = (id: string, who: Person) =>
  api.call<{ status: string }>('POST', `/application-role-requests/${id}/cancel`, { token: who.token });
const approvals = async (who: Person) => {
  const answer = await api.call<Approval[]>('GET', '/approvals', { token: who.token });
  expect(answer.status).toBe(200);
  return answer.body;
};

async function waitFor(id: string, who: Person, done: (v: RequestView) => boolean, what: string): Promise<RequestView> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const answer = await view(id, who);
    if (answer.status === 200 && done(answer.body)) return answer.body;
    if (Date.now() > deadline) throw new Error(`request ${id} never became ${what}: ${answer.status} ${JSON.stringify(answer.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}
/** Submitted, recorded and routed: the approvers can see it from here on. */
const routed = (id: string, who: Person) => waitFor(id, who, (v) => v.trackingNumber !== undefined, 'routed');
const statusOf = (id: string, who: Person, status: string) => waitFor(id, who, (v) => v.status === status, status);

const everyRequest: string[] = [];

/** Asks and waits until the request is routed. */
async function requested(who: Person, applicationId: string, role: string, userGroupId = group1): Promise<RequestView> {
  const answer = await ask(who, { applicationId, role, userGroupId });
  expect(answer.status, JSON.stringify(answer.body)).toBe(202);
  expect(answer.body).toEqual({ id: expect.any(String), status: 'AWAITING_APPROVAL' });
  everyRequest.push(answer.body.id);
  return routed(answer.body.id, who);
}

const ids = (list: Approval[]) => list.filter((a) => a.kind === 'APPLICATION_ROLE').map((a) => a.id);

beforeAll(async () => {
  stack = await startTestStack();
  api = new ApiClient(stack.apiUrl);
  journey = new Journey(api, stack.mailCatcherUrl!);
  helpDesk = (await journey.login(stack.config.helpDesk.userId, stack.config.helpDesk.password)).body.token;

  const organization = (name: string) => ({ organization: { name, country: 'US', state: 'MD', providerType: 'HOSPITAL' } });
  people.so = await provision('SECURITY_OFFICIAL', 'so@alpha.table2.example.test', organization('Table Two Alpha Hospital'), helpDesk);
  people.otherSo = await provision('SECURITY_OFFICIAL', 'so@beta.table2.example.test', organization('Table Two Beta Hospital'), helpDesk);
  const [alpha] = (await api.call<{ id: string }[]>('GET', '/organizations?name=Table Two Alpha&country=US&state=MD')).body;
  organizationId = alpha!.id;
  people.bso = await provision('BACKUP_SECURITY_OFFICIAL', 'bso@alpha.table2.example.test', { organizationId }, people.so.token);
  people.uga = await provision(
    'USER_GROUP_ADMINISTRATOR',
    'uga@alpha.table2.example.test',
    { organizationId, userGroup: { name: 'Alpha Billing', kind: 'PROVIDER' } },
    people.so.token,
  );
  people.uga2 = await provision(
    'USER_GROUP_ADMINISTRATOR',
    'uga2@alpha.table2.example.test',
    { organizationId, userGroup: { name: 'Alpha Front Desk', kind: 'PROVIDER' } },
    people.bso.token,
  );
  const [found] = (
    await api.call<{ userGroups: { id: string; name: string }[] }[]>('GET', '/organizations?name=Table Two Alpha&country=US&state=MD')
  ).body;
  group1 = found!.userGroups.find((g) => g.name === 'Alpha Billing')!.id;
  group2 = found!.userGroups.find((g) => g.name === 'Alpha Front Desk')!.id;
  people.eu1 = await provision('END_USER', 'eu1@alpha.table2.example.test', { organizationId, userGroupId: group1 }, people.uga.token);
  people.eu2 = await provision('END_USER', 'eu2@alpha.table2.example.test', { organizationId, userGroupId: group1 }, people.uga.token);
});
afterAll(async () => {
  await stack?.stop();
});

describe('the catalog', () => {
  it('GET /applications lists the configured CMS applications (the default catalog here)', async () => {
    const answer = await api.call<{ id: string; name: string }[]>('GET', '/applications', { token: people.eu1.token });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(stack.config.applications);
    expect(answer.body).toContainEqual({ id: 'PS&R', name: 'Provider Statistical & Reimbursement' });
  });
});

describe('who may ask', () => {
  it('SO and BSO: 403 (default approvers, never application users)', async () => {
    for (const official of [people.so, people.bso]) {
      const answer = await ask(official, { applicationId: 'PS&R', role: 'APPLICATION_USER', userGroupId: group1 });
      expect(answer.status).toBe(403);
      expect(answer.contentType).toMatch(/^application\/problem\+json/);
    }
  });

  it('a UGA of another group, for group 1: 403 (must be a member of that group)', async () => {
    const answer = await ask(people.uga2, { applicationId: 'PS&R', role: 'APPLICATION_APPROVER', userGroupId: group1 });
    expect(answer.status).toBe(403);
  });

  it('the Help Desk: 403; without a session: 401', async () => {
    const body = { applicationId: 'PS&R', role: 'APPLICATION_USER', userGroupId: group1 };
    expect((await api.call('POST', '/me/application-roles', { token: helpDesk, body })).status).toBe(403);
    expect((await api.call('POST', '/me/application-roles', { body })).status).toBe(401);
  });

  it('a malformed body: 400 naming the field', async () => {
    const answer = await ask(people.eu1, { applicationId: 'PS&R', role: 'SECURITY_OFFICIAL', userGroupId: group1 });
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toContainEqual(expect.objectContaining({ path: 'role' }));
    const missing = await ask(people.eu1, { applicationId: 'PS&R', role: 'APPLICATION_USER' });
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toContainEqual(expect.objectContaining({ path: 'userGroupId' }));
  });

  it('an application not in the catalog: 422 naming applicationId', async () => {
    const answer = await ask(people.eu1, { applicationId: 'NOPE', role: 'APPLICATION_USER', userGroupId: group1 });
    expect(answer.status).toBe(422);
    expect(answer.body.errors).toEqual([expect.objectContaining({ path: 'applicationId' })]);
  });
});

describe('Table 2, row by row', () => {
  it('EU1 asks to be a User of PS&R while group 1 has no PS&R Approver: the SO/BSO decide (default approvers)', async () => {
    const request = await requested(people.eu1, 'PS&R', 'APPLICATION_USER');
    expect(request).toMatchObject({ status: 'AWAITING_APPROVAL', heldBy: ['SECURITY_OFFICIAL', 'BACKUP_SECURITY_OFFICIAL'] });
    expect(request.trackingNumber).toMatch(/^IACS-\d{4}-\d{6}$/);

    expect(ids(await approvals(people.so))).toEqual([request.id]);
    expect(ids(await approvals(people.bso))).toEqual([request.id]);
    for (const other of [people.otherSo, people.uga, people.uga2, people.eu1, people.eu2]) expect(ids(await approvals(other))).toEqual([]);
    expect((await decide(request.id, people.uga, 'APPROVE')).status).toBe(403);

    expect(await decide(request.id, people.so, 'APPROVE')).toMatchObject({ status: 200, body: { status: 'APPROVED' } });
    // The read model is written before the answer: a read right after it sees the decision (or the grant that follows).
    expect(['APPROVED', 'GRANTED']).toContain((await view(request.id, people.eu1)).body.status);
    const granted = await statusOf(request.id, people.eu1, 'GRANTED');
    expect(granted.history.map((h) => h.status)).toEqual(['AWAITING_APPROVAL', 'APPROVED', 'GRANTED']);
    expect(granted.decidedBy).toBe(people.so.userId);
    const mine = await api.call<unknown[]>('GET', '/me/application-roles', { token: people.eu1.token });
    expect(mine.body).toEqual([
      {
        role: 'APPLICATION_USER',
        applicationId: 'PS&R',
        application: 'Provider Statistical & Reimbursement',
        userGroupId: group1,
        organizationId,
      },
    ]);
    const email = await waitForMessage(stack.mailCatcherUrl!, { to: people.eu1.email, subject: APPLICATION_ROLE_SUBJECTS.GRANTED });
    expect(email.text).toContain('Provider Statistical & Reimbursement');
    expect(email.text).toContain(granted.trackingNumber);
  });

  it('UGA asks to be the PS&R Approver of group 1: the SO approves; another org’s SO, a UGA of another group and the requester get 403', async () => {
    const request = await requested(people.uga, 'PS&R', 'APPLICATION_APPROVER');
    expect(request.heldBy).toEqual(['SECURITY_OFFICIAL', 'BACKUP_SECURITY_OFFICIAL']);
    const listed = (await approvals(people.so)).find((a) => a.id === request.id);
    expect(listed).toMatchObject({
      kind: 'APPLICATION_ROLE',
      role: 'APPLICATION_APPROVER',
      applicationId: 'PS&R',
      application: 'Provider Statistical & Reimbursement',
      organization: 'Table Two Alpha Hospital',
      userGroup: 'Alpha Billing',
      requester: { userId: people.uga.userId, name: expect.any(String) },
      trackingNumber: request.trackingNumber,
    });

    for (const refused of [people.otherSo, people.uga2, people.uga, people.eu1]) {
      const answer = await decide(request.id, refused, 'APPROVE');
      expect(answer.status, refused.userId).toBe(403);
      expect(answer.contentType).toMatch(/^application\/problem\+json/);
    }
    // Not routed, not the requester: nothing to read either.
    expect((await view(request.id, people.otherSo)).status).toBe(403);
    expect((await view(request.id, people.eu2)).status).toBe(403);
    expect((await view(request.id, people.so)).status).toBe(200);
    expect((await view(request.id, people.uga)).body.status).toBe('AWAITING_APPROVAL');

    expect((await decide(request.id, people.so, 'APPROVE')).status).toBe(200);
    await statusOf(request.id, people.uga, 'GRANTED');
    // Decided: the routed approvers get 409, the others still 403.
    expect((await decide(request.id, people.bso, 'DENY', 'too late')).status).toBe(409);
    expect((await decide(request.id, people.otherSo, 'APPROVE')).status).toBe(403);
  });

  it('EU2 asks to be a User of PS&R now that group 1 has a PS&R Approver: the UGA decides, the SO/BSO are no longer routed', async () => {
    const request = await requested(people.eu2, 'PS&R', 'APPLICATION_USER');
    expect(request.heldBy).toEqual(['APPLICATION_APPROVER']);
    expect(ids(await approvals(people.uga))).toEqual([request.id]);
    expect(ids(await approvals(people.so))).toEqual([]);
    expect(ids(await approvals(people.bso))).toEqual([]);
    expect((await view(request.id, people.uga)).status).toBe(200);
    expect((await view(request.id, people.so)).status).toBe(403);

    for (const refused of [people.so, people.bso, people.otherSo, people.uga2, people.eu1, people.eu2])
      expect((await decide(request.id, refused, 'APPROVE')).status, refused.userId).toBe(403);
    expect((await decide(request.id, people.uga, 'APPROVE')).status).toBe(200);
    expect((await statusOf(request.id, people.eu2, 'GRANTED')).decidedBy).toBe(people.uga.userId);
  });

  it('the Approver asking to be a User of the application they approve: not to themselves, so to the SO/BSO', async () => {
    const request = await requested(people.uga, 'PS&R', 'APPLICATION_USER');
    expect(request.heldBy).toEqual(['SECURITY_OFFICIAL', 'BACKUP_SECURITY_OFFICIAL']);
    expect(ids(await approvals(people.uga))).toEqual([]);
    expect((await decide(request.id, people.uga, 'APPROVE')).status).toBe(403);
    expect((await decide(request.id, people.bso, 'APPROVE')).status).toBe(200);
    await statusOf(request.id, people.uga, 'GRANTED');
  });

  it('an End User asks to be the PECOS Approver of group 1: the BSO approves', async () => {
    const request = await requested(people.eu1, 'PECOS', 'APPLICATION_APPROVER');
    expect(ids(await approvals(people.bso))).toEqual([request.id]);
    expect((await decide(request.id, people.uga, 'APPROVE')).status).toBe(403);
    expect((await decide(request.id, people.bso, 'APPROVE')).status).toBe(200);
    await statusOf(request.id, people.eu1, 'GRANTED');
    const mine = await api.call<{ applicationId: string; role: string }[]>('GET', '/me/application-roles', { token: people.eu1.token });
    expect(mine.body.map((g) => `${g.role} ${g.applicationId}`).sort()).toEqual(['APPLICATION_APPROVER PECOS', 'APPLICATION_USER PS&R']);
  });

  it("a PECOS User request in group 1 goes to EU1, the group's PECOS Approver, not to the UGA who approves PS&R", async () => {
    const request = await requested(people.eu2, 'PECOS', 'APPLICATION_USER');
    expect(request.heldBy).toEqual(['APPLICATION_APPROVER']);
    expect(ids(await approvals(people.eu1))).toEqual([request.id]);
    expect(ids(await approvals(people.uga))).toEqual([]);
    expect((await decide(request.id, people.uga, 'APPROVE')).status).toBe(403);
    expect((await decide(request.id, people.eu1, 'DENY', 'PECOS access is for enrollment staff only')).status).toBe(200);
    const denied = await statusOf(request.id, people.eu2, 'DENIED');
    expect(denied.reason).toBe('PECOS access is for enrollment staff only');
    const email = await waitForMessage(stack.mailCatcherUrl!, { to: people.eu2.email, subject: APPLICATION_ROLE_SUBJECTS.DENIED });
    expect(email.text).toContain('PECOS access is for enrollment staff only');
  });
});

describe('duplicates, denial and cancellation', () => {
  it('a role already granted: 409', async () => {
    const answer = await ask(people.eu1, { applicationId: 'PS&R', role: 'APPLICATION_USER', userGroupId: group1 });
    expect(answer.status).toBe(409);
  });

  it('a request already pending: 409; once cancelled by its requester, the same request may be made again', async () => {
    const first = await requested(people.eu2, 'HETS', 'APPLICATION_USER');
    expect((await ask(people.eu2, { applicationId: 'HETS', role: 'APPLICATION_USER', userGroupId: group1 })).status).toBe(409);
    // Someone else asking the same is not a duplicate.
    const eu1 = await requested(people.eu1, 'HETS', 'APPLICATION_USER');

    expect((await cancel(first.id, people.so)).status).toBe(403);
    expect((await cancel(first.id, people.eu1)).status).toBe(403);
    expect(await cancel(first.id, people.eu2)).toMatchObject({ status: 200, body: { status: 'CANCELLED' } });
    expect((await view(first.id, people.eu2)).body.status).toBe('CANCELLED');
    expect((await cancel(first.id, people.eu2)).status).toBe(409);
    expect((await decide(first.id, people.so, 'APPROVE')).status).toBe(409);
    expect(ids(await approvals(people.so))).toEqual([eu1.id]);
    await waitForMessage(stack.mailCatcherUrl!, { to: people.eu2.email, subject: APPLICATION_ROLE_SUBJECTS.CANCELLED });

    const again = await requested(people.eu2, 'HETS', 'APPLICATION_USER');
    expect(again.id).not.toBe(first.id);
    expect(ids(await approvals(people.so))).toEqual([eu1.id, again.id]);
  });

  it('a denied request may be made again too', async () => {
    const pending = (await approvals(people.so)).filter((a) => a.kind === 'APPLICATION_ROLE' && a.applicationId === 'HETS');
    const eu1Request = pending.find((a) => a.requester?.userId === people.eu1.userId)!;
    expect((await decide(eu1Request.id, people.so, 'DENY')).status).toBe(400); // a denial needs a reason
    expect((await decide(eu1Request.id, people.so, 'DENY', 'HETS is not used by this group')).status).toBe(200);
    await statusOf(eu1Request.id, people.eu1, 'DENIED');
    const again = await requested(people.eu1, 'HETS', 'APPLICATION_USER');
    expect(again.status).toBe('AWAITING_APPROVAL');
  });

  it('the same request twice at once: one is accepted, the other is a duplicate (409)', async () => {
    const body = { applicationId: 'eCRS', role: 'APPLICATION_USER', userGroupId: group1 };
    const answers = await Promise.all([ask(people.eu2, body), ask(people.eu2, body), ask(people.eu2, body)]);
    expect(answers.map((a) => a.status).sort()).toEqual([202, 409, 409]);
    const accepted = answers.find((a) => a.status === 202)!.body.id;
    everyRequest.push(accepted);
    await routed(accepted, people.eu2);
    expect((await cancel(accepted, people.eu2)).status).toBe(200);
  });

  it('an unknown request: 404; a malformed id: 400', async () => {
    const unknown = '5b3f1c3e-1111-4111-8111-111111111111';
    expect((await view(unknown, people.so)).status).toBe(404);
    expect((await decide(unknown, people.so, 'APPROVE')).status).toBe(404);
    expect((await api.call('GET', '/application-role-requests/not-a-uuid', { token: people.so.token })).status).toBe(400);
  });
});

describe('GET /approvals', () => {
  it('mixes registrations and application-role requests routed to the caller, each with its kind, oldest first', async () => {
    // A UGA registration for Alpha, submitted after the pending HETS requests: the SO and BSO decide both kinds.
    const registration: Started = await journey.register('USER_GROUP_ADMINISTRATOR', 'uga3@alpha.table2.example.test');
    await journey.verifyEmail(registration);
    await journey.submitWith(registration, { organizationId, userGroup: { name: 'Alpha Records', kind: 'PROVIDER' } });
    const later = await requested(people.uga2, 'eCRS', 'APPLICATION_APPROVER', group2);

    for (const official of [people.so, people.bso]) {
      const list = await approvals(official);
      expect(list.map((a) => a.kind)).toEqual(['APPLICATION_ROLE', 'APPLICATION_ROLE', 'REGISTRATION', 'APPLICATION_ROLE']);
      expect(list[2]).toMatchObject({ kind: 'REGISTRATION', id: registration.id, role: 'USER_GROUP_ADMINISTRATOR' });
      expect(list[3]).toMatchObject({ kind: 'APPLICATION_ROLE', id: later.id, userGroup: 'Alpha Front Desk' });
      const times = list.map((a) => Date.parse(a.submittedAt));
      expect([...times].sort((a, b) => a - b)).toEqual(times);
    }
    expect(await approvals(people.otherSo)).toEqual([]);
    expect(await approvals(people.eu2)).toEqual([]);
    expect(await approvals(people.uga2)).toEqual([]);
  });

  it('nothing secret or unrelated was emailed to the approvers', async () => {
    const soMail = await listMessages(stack.mailCatcherUrl!, people.so.email);
    expect(soMail.filter((m) => Object.values(APPLICATION_ROLE_SUBJECTS).includes(m.subject))).toEqual([]);
  });
});

describe('the histories', () => {
  it('replay deterministically against the workflow code', async () => {
    const temporal = await connectTemporalClient({ ...stack.config.temporal, payloadKeys: stack.config.payloadKeys });
    try {
      expect(everyRequest.length).toBeGreaterThan(8);
      for (const id of everyRequest) {
        const workflowId = applicationRoleWorkflowIdFor(id);
        const history = await temporal.workflow.getHandle(workflowId).fetchHistory();
        await Worker.runReplayHistory(
          { workflowBundle: testWorkflowBundle(), dataConverter: dataConverterFor(stack.config.payloadKeys) },
          history,
          workflowId,
        );
      }
    } finally {
      await temporal.connection.close();
    }
  });
});

describe('chain of trust for application-role requests', () => {
  it("deactivating the group's PECOS Approver moves a waiting PECOS User request to the SO/BSO, who decide it", async () => {
    const request = await requested(people.eu2, 'PECOS', 'APPLICATION_USER');
    expect(request.heldBy).toEqual(['APPLICATION_APPROVER']);
    const answer = await api.call<{ reroutedApplicationRoleRequests: { requestId: string; heldBy: string[] }[] }>(
      'POST',
      `/accounts/${people.eu1.userId}/deactivate`,
      { token: helpDesk },
    );
    expect(answer.status).toBe(200);
    expect(answer.body.reroutedApplicationRoleRequests).toEqual([
      { requestId: request.id, heldBy: ['APPLICATION_APPROVER', 'SECURITY_OFFICIAL', 'BACKUP_SECURITY_OFFICIAL'] },
    ]);
    await expect.poll(async () => ids(await approvals(people.so))).toContain(request.id);
    expect((await decide(request.id, people.so, 'APPROVE')).status).toBe(200);
    await statusOf(request.id, people.eu2, 'GRANTED');
  });
});
