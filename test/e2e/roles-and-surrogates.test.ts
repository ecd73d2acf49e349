/**
 * One person, one account: a second self-registration is refused and pointed to "add a role",
 * and further roles go through the same chart and approval without identity or email steps.
 * The surrogate scenario of the guides: billing company ABC works for provider organizations
 * XYZ and QRS, with two surrogate user groups under one user ID.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local-stack';
import { SUBJECTS } from '../../activities/emails';
import { ApiClient, Journey, contact, nextIdentity, registrationBody, type Started } from '../support/api-client';
import { listMessages } from '../support/mailbox';
import { startTestStack } from '../support/stack';

let stack: LocalStack;
let api: ApiClient;
let journey: Journey;
let helpDeskToken: string;

beforeAll(async () => {
  stack = await startTestStack();
  api = new ApiClient(stack.apiUrl);
  journey = new Journey(api, stack.mailCatcherUrl!);
  helpDeskToken = (await journey.login(stack.config.helpDesk.userId, stack.config.helpDesk.password)).body.token;
});
afterAll(async () => {
  await stack?.stop();
});

/** A provider organization with its Security Official, ready to decide. */
async function providerOrganization(name: string, email: string) {
  const so = await journey.register('SECURITY_OFFICIAL', email);
  await journey.verifyEmail(so);
  await journey.submitWith(so, { organization: { name, country: 'US', state: 'MD', providerType: 'HOSPITAL' } });
  expect((await journey.decide(so.id, helpDeskToken, 'APPROVE')).status).toBe(200);
  await journey.waitForStatus(so, 'PROVISIONED');
  const { userId, password } = await journey.credentials(email);
  const token = await journey.completeFirstLogin(userId, password, `${name.replace(/\W/g, '')}-Officer-2026`);
  const [organization] = (
    await api.call<{ id: string; name: string }[]>('GET', `/organizations?name=${encodeURIComponent(name)}&country=US&state=MD`)
  ).body;
  return { organizationId: organization!.id, token, userId };
}

async function requestRole(token: string, role: string): Promise<Started & { status: number }> {
  const answer = await api.call<{ id: string; applicantToken: string; status: string }>('POST', '/me/role-requests', {
    token,
    body: { community: 'PROVIDER_SUPPLIER', role, acceptedTerms: { role: true } },
  });
  return { id: answer.body.id, token: answer.body.applicantToken, email: '', status: answer.status };
}

describe('billing company ABC works for providers XYZ and QRS', () => {
  let xyz: Awaited<ReturnType<typeof providerOrganization>>;
  let qrs: Awaited<ReturnType<typeof providerOrganization>>;
  const abcEmail = 'uga@abc-billing.example.test';
  const abcIdentity = nextIdentity();
  let abcUserId: string;
  let abcToken: string;

  beforeAll(async () => {
    xyz = await providerOrganization('XYZ General Hospital', 'so@xyz.example.test');
    qrs = await providerOrganization('QRS Surgical Center', 'so@qrs.example.test');
  });

  it("ABC's administrator registers a surrogate group under XYZ, and XYZ's SO approves", async () => {
    const abc = await journey.register('USER_GROUP_ADMINISTRATOR', abcEmail, abcIdentity);
    await journey.verifyEmail(abc);
    await journey.submitWith(abc, { organizationId: xyz.organizationId, userGroup: { name: 'ABC Billing for XYZ', kind: 'SURROGATE' } });
    expect((await journey.decide(abc.id, qrs.token, 'APPROVE')).status).toBe(403);
    expect((await journey.decide(abc.id, xyz.token, 'APPROVE')).status).toBe(200);
    await journey.waitForStatus(abc, 'PROVISIONED');
    const { userId, password } = await journey.credentials(abcEmail);
    abcUserId = userId;
    abcToken = await journey.completeFirstLogin(userId, password, 'Abc-Billing-Admin-2026');
  });

  it('registering again with the same SSN is refused and points to adding a role; nothing is started', async () => {
    const before = (await listMessages(stack.mailCatcherUrl!, 'again@abc-billing.example.test')).length;
    const again = await api.call<{ detail: string; errors: { path: string }[] }>('POST', '/registrations', {
      body: registrationBody('USER_GROUP_ADMINISTRATOR', abcIdentity, 'again@abc-billing.example.test'),
    });
    expect(again.status).toBe(409);
    expect(again.contentType).toContain('application/problem+json');
    expect(again.body.detail).toMatch(/role-requests/);
    expect(again.body.errors.map((e) => e.path)).toEqual(['identity.ssn']);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await listMessages(stack.mailCatcherUrl!, 'again@abc-billing.example.test')).length).toBe(before);
  });

  it('the same person adds a surrogate group under QRS without registering again: same user ID, QRS approves', async () => {
    const request = await requestRole(abcToken, 'USER_GROUP_ADMINISTRATOR');
    expect(request.status).toBe(202);
    const view = await journey.view(request);
    expect(view.body.status).toBe('AWAITING_DETAILS');
    // No identity validation and no email verification for a person who already has an account.
    expect(view.body.history.map((h) => h.status)).toEqual(['AWAITING_DETAILS']);
    await journey.submitWith(request, {
      organizationId: qrs.organizationId,
      userGroup: { name: 'ABC Billing for QRS', kind: 'SURROGATE' },
    });
    expect((await journey.decide(request.id, xyz.token, 'APPROVE')).status).toBe(403);
    expect((await journey.decide(request.id, qrs.token, 'APPROVE')).status).toBe(200);
    await journey.waitForStatus(request, 'PROVISIONED');

    const me = await api.call<{ userId: string; roles: { role: string; organizationId: string }[] }>('GET', '/me', { token: abcToken });
    expect(me.body.userId).toBe(abcUserId);
    expect(
      me.body.roles
        .filter((r) => r.role === 'USER_GROUP_ADMINISTRATOR')
        .map((r) => r.organizationId)
        .sort(),
    ).toEqual([xyz.organizationId, qrs.organizationId].sort());
    const subjects = (await listMessages(stack.mailCatcherUrl!, abcEmail)).map((m) => m.subject);
    expect(subjects.filter((s) => s === SUBJECTS.password)).toHaveLength(1);
    expect(subjects.filter((s) => s === SUBJECTS.userId)).toHaveLength(1);
    expect(subjects).toContain(SUBJECTS.roleAdded);

    const groups = (
      await api.call<{ userGroups: { name: string; kind: string }[] }[]>('GET', '/organizations?name=QRS&country=US&state=MD')
    ).body[0]!.userGroups;
    expect(groups).toEqual([expect.objectContaining({ name: 'ABC Billing for QRS', kind: 'SURROGATE' })]);
  });

  it('one surrogate group per provider: a second one under XYZ for the same company is refused, and nothing changes', async () => {
    const request = await requestRole(abcToken, 'USER_GROUP_ADMINISTRATOR');
    const put = await api.call<{ errors: { path: string; message: string }[] }>('PUT', `/registrations/${request.id}/details`, {
      token: request.token,
      body: {
        contact,
        justification: 'More work for XYZ.',
        organizationId: xyz.organizationId,
        userGroup: { name: 'ABC Billing for XYZ 2', kind: 'SURROGATE' },
      },
    });
    expect(put.status).toBe(422);
    expect(put.body.errors[0]!.message).toMatch(/surrogate user group for this provider/);
    expect((await journey.view(request)).body.status).toBe('AWAITING_DETAILS');
    expect((await api.call('POST', `/registrations/${request.id}/submit`, { token: request.token })).status).toBe(409);
  });

  it('a surrogate group under an organization that does not exist is refused with a clear reason', async () => {
    const request = await requestRole(abcToken, 'USER_GROUP_ADMINISTRATOR');
    const put = await api.call<{ status: string; reason: string }>('PUT', `/registrations/${request.id}/details`, {
      token: request.token,
      body: {
        contact,
        justification: 'Unknown provider.',
        organizationId: 'a'.repeat(24),
        userGroup: { name: 'ABC for nobody', kind: 'SURROGATE' },
      },
    });
    expect(put.status).toBe(200);
    expect(put.body.status).toBe('REJECTED');
    expect(put.body.reason).toMatch(/does not exist or is not approved/);
  });

  it('a user group name is unique within its organization', async () => {
    const request = await requestRole(abcToken, 'USER_GROUP_ADMINISTRATOR');
    const put = await api.call<{ errors: { path: string }[] }>('PUT', `/registrations/${request.id}/details`, {
      token: request.token,
      body: {
        contact,
        justification: 'Same name.',
        organizationId: qrs.organizationId,
        userGroup: { name: 'abc billing for qrs', kind: 'PROVIDER' },
      },
    });
    expect(put.status).toBe(422);
    expect(put.body.errors.map((e) => e.path)).toEqual(['userGroup.name']);
  });

  it('a role request needs a ready account; an applicant token or nothing gets 401', async () => {
    const body = { community: 'PROVIDER_SUPPLIER', role: 'END_USER', acceptedTerms: { role: true } };
    expect((await api.call('POST', '/me/role-requests', { body })).status).toBe(401);
    expect((await api.call('POST', '/me/role-requests', { token: 'q'.repeat(43), body })).status).toBe(401);
    const bad = await api.call<{ errors: { path: string }[] }>('POST', '/me/role-requests', {
      token: abcToken,
      body: { ...body, acceptedTerms: { role: false } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e) => e.path)).toEqual(['acceptedTerms.role']);
  });
});
