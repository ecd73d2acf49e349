/**
 * One person, one account, even when racing (models/claims.ts): two self-registrations of the
 * same person cannot both start, and two role requests of one account for the same role at the
 * same place cannot both reach approval. A registration that ends without an account frees them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local-stack';
import { RegistrationClaimModel } from '../../models/registration-claims';
import { ApiClient, Journey, contact, nextIdentity, registrationBody, type Started } from '../support/api-client';
import { listMessages, waitForMessage } from '../support/mailbox';
import { SUBJECTS } from '../../activities/emails';
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
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

type Problem = { detail: string; errors?: { path: string; message: string }[] };

const register = (email: string, identity: ReturnType<typeof nextIdentity>) =>
  api.call<{ id: string; applicantToken: string } & Problem>('POST', '/registrations', {
    body: registrationBody('INDIVIDUAL_PRACTITIONER', identity, email),
  });

describe('two self-registrations of one person', () => {
  it('racing: exactly one starts, the other gets 409 naming identity.ssn and starts nothing', async () => {
    const person = nextIdentity();
    const emails = ['race-a@claims.example.test', 'race-b@claims.example.test'];
    const answers = await Promise.all(emails.map((e) => register(e, person)));
    expect(answers.map((a) => a.status).sort()).toEqual([202, 409]);
    const refused = answers.find((a) => a.status === 409)!;
    expect(refused.contentType).toContain('application/problem+json');
    expect(refused.body.errors?.map((e) => e.path)).toEqual(['identity.ssn']);
    // Only the one that started sends a code: once it has, the other has none.
    const winner = answers[0]!.status === 202 ? 0 : 1;
    await waitForMessage(stack.mailCatcherUrl!, { to: emails[winner]!, subject: SUBJECTS.emailVerification });
    expect(await listMessages(stack.mailCatcherUrl!, emails[1 - winner]!)).toEqual([]);
  });

  it('a cancelled registration frees the person; a live one still holds them', async () => {
    const person = nextIdentity();
    const first = await register('first@claims.example.test', person);
    expect(first.status).toBe(202);
    const held = await register('second@claims.example.test', person);
    expect(held.status).toBe(409);

    const r: Started = { id: first.body.id, token: first.body.applicantToken, email: 'first@claims.example.test' };
    await journey.waitForStatus(r, 'AWAITING_EMAIL_VERIFICATION');
    expect((await api.call('POST', `/registrations/${r.id}/cancel`, { token: r.token })).status).toBe(200);
    await journey.waitForStatus(r, 'CANCELLED');

    const again = await register('third@claims.example.test', person);
    expect(again.status).toBe(202);
    // The new registration holds the person in the next slot; the cancelled one's slot stays, never reused.
    const slots = await RegistrationClaimModel.find({ requestId: { $in: [r.id, again.body.id] } }).lean();
    expect(slots.map((s) => s.requestId).sort()).toEqual([r.id, again.body.id].sort());
    expect(slots.find((s) => s.requestId === again.body.id)?._id).toMatch(/^person:[^#]+#1$/);
    // The key is the SSN's keyed hash, never the SSN.
    expect(JSON.stringify(slots)).not.toContain(person.ssn);
    expect(JSON.stringify(slots)).not.toContain(person.ssn.replace(/-/g, ''));
  });
});

describe('two role requests of one account for the same role and place', () => {
  let officer: { token: string; organizationId: string };

  beforeAll(async () => {
    const email = 'so@claims-hospital.example.test';
    const so = await journey.register('SECURITY_OFFICIAL', email);
    await journey.verifyEmail(so);
    await journey.submitWith(so, {
      organization: { name: 'Claims General Hospital', country: 'US', state: 'MD', providerType: 'HOSPITAL' },
    });
    expect((await journey.decide(so.id, helpDeskToken, 'APPROVE')).status).toBe(200);
    await journey.waitForStatus(so, 'PROVISIONED');
    const { userId, password } = await journey.credentials(email);
    const token = await journey.completeFirstLogin(userId, password, 'Claims-Hospital-Officer-2026');
    const [organization] = (await api.call<{ id: string }[]>('GET', '/organizations?name=Claims%20General&country=US&state=MD')).body;
    officer = { token, organizationId: organization!.id };
  }, 120_000);

  async function requestRole(): Promise<Started> {
    const answer = await api.call<{ id: string; applicantToken: string }>('POST', '/me/role-requests', {
      token: officer.token,
      body: { community: 'PROVIDER_SUPPLIER', role: 'USER_GROUP_ADMINISTRATOR', acceptedTerms: { role: true } },
    });
    expect(answer.status).toBe(202);
    return { id: answer.body.id, token: answer.body.applicantToken, email: '' };
  }

  const details = (group: string) => ({
    contact,
    justification: 'I administer the billing group of this hospital.',
    organizationId: officer.organizationId,
    userGroup: { name: group, kind: 'PROVIDER' },
  });
  const putDetails = (r: Started, group: string) =>
    api.call<Problem & { status: string }>('PUT', `/registrations/${r.id}/details`, { token: r.token, body: details(group) });

  it('racing details: one is accepted, the other gets 409 naming role and stays where it was', async () => {
    const [one, two] = await Promise.all([requestRole(), requestRole()]);
    const answers = await Promise.all([putDetails(one!, 'Billing Group'), putDetails(two!, 'billing group')]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const refused = answers.find((a) => a.status === 409)!;
    expect(refused.contentType).toContain('application/problem+json');
    expect(refused.body.errors?.map((e) => e.path)).toEqual(['role']);
    const loser = answers[0]!.status === 409 ? one! : two!;
    const winner = loser === one ? two! : one!;
    expect((await journey.view(loser)).body.status).toBe('AWAITING_DETAILS');
    expect((await api.call('GET', `/registrations/${loser.id}/details`, { token: loser.token })).status).toBe(404);

    // Another group at the same organization is another place: accepted.
    expect((await putDetails(loser, 'Radiology Group')).status).toBe(200);

    // Once the winner is cancelled, its place is free again.
    expect((await api.call('POST', `/registrations/${winner.id}/cancel`, { token: winner.token })).status).toBe(200);
    await journey.waitForStatus(winner, 'CANCELLED');
    const third = await requestRole();
    expect((await putDetails(third, 'Billing Group')).status).toBe(200);
  });
});
