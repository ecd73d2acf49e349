/**
 * The foundation journey on real servers (Temporal dev server, FerretDB, SMTP catcher, SSA
 * simulator): SO → organization; UGA → provider user group; End User → login.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Worker } from '@temporalio/worker';
import type { LocalStack } from '../../local-stack';
import { connectTemporalClient, dataConverterFor } from '../../infra/temporal-connection';
import { SSA_FIXTURES } from '../../simulators/ssa-fixtures';
import { workflowIdFor } from '../../workflows/messages';
import { EncryptionCodec, parseCodecKeys } from '../../security/payload-codec';
import type { Payload } from '@temporalio/common';

function collectPayloads(node: unknown, found: Payload[] = []): Payload[] {
  if (node === null || typeof node !== 'object' || node instanceof Uint8Array) return found;
  const candidate = node as { metadata?: unknown; data?: unknown };
  if (candidate.metadata && candidate.data instanceof Uint8Array) found.push(candidate as Payload);
  else for (const value of Object.values(node)) collectPayloads(value, found);
  return found;
}
import { ApiClient, rawRequest, Journey, type Started } from '../support/api-client';
import { startTestStack } from '../support/stack';
import { testWorkflowBundle } from '../support/workflow-bundle';

let stack: LocalStack;
let journey: Journey;
let api: ApiClient;

beforeAll(async () => {
  stack = await startTestStack();
  api = new ApiClient(stack.apiUrl);
  journey = new Journey(api, stack.mailCatcherUrl!);
});
afterAll(async () => {
  await stack?.stop();
});

describe('a working organization, from nothing to an End User who can log in', () => {
  let so: Started;
  let soToken: string;
  let organizationId: string;
  let uga: Started;
  let endUser: Started;
  let ugaToken: string;
  let userGroupId: string;

  it('a Security Official registers and the EUS Help Desk approves: the organization exists', async () => {
    so = await journey.register('SECURITY_OFFICIAL', 'so@acme-clinic.example.test');
    await journey.verifyEmail(so);
    expect((await journey.view(so)).body.status).toBe('AWAITING_DETAILS');

    const trackingNumber = await journey.submitWith(so, {
      organization: { name: 'Acme Family Clinic', country: 'US', state: 'MD', providerType: 'PHYSICIAN_GROUP_PRACTICE' },
    });
    expect(trackingNumber).toMatch(/^IACS-\d{4}-\d{6}$/);
    const waiting = await journey.view(so);
    expect(waiting.body).toMatchObject({ status: 'AWAITING_APPROVAL', trackingNumber });

    // Before approval the organization cannot be found.
    expect((await api.call<unknown[]>('GET', '/organizations?name=acme&country=US&state=MD')).body).toEqual([]);

    const helpDesk = await journey.login(stack.config.helpDesk.userId, stack.config.helpDesk.password);
    expect(helpDesk.status).toBe(200);
    const queue = await api.call<{ id: string; trackingNumber: string; organization: string }[]>('GET', '/approvals', {
      token: helpDesk.body.token,
    });
    expect(queue.body).toContainEqual(
      expect.objectContaining({ id: so.id, trackingNumber, role: 'SECURITY_OFFICIAL', organization: 'Acme Family Clinic' }),
    );

    const decision = await journey.decide(so.id, helpDesk.body.token, 'APPROVE');
    expect(decision.status).toBe(200);
    expect(decision.body.status).toBe('APPROVED');
    const done = await journey.waitForStatus(so, 'PROVISIONED');
    expect(done.history.map((h) => h.status)).toEqual([
      'VALIDATING_IDENTITY',
      'AWAITING_EMAIL_VERIFICATION',
      'AWAITING_DETAILS',
      'AWAITING_APPROVAL',
      'APPROVED',
      'PROVISIONED',
    ]);

    const found = await api.call<{ id: string; name: string; state: string }[]>('GET', '/organizations?name=family&country=US&state=MD');
    expect(found.body).toHaveLength(1);
    expect(found.body[0]).toMatchObject({ name: 'Acme Family Clinic', state: 'MD' });
    organizationId = found.body[0]!.id;

    // As the guides ask: part of the name, the country and the state, each named when missing; another state finds nothing.
    for (const [query, missing] of [
      ['country=US&state=MD', 'name'],
      ['name=family&state=MD', 'country'],
      ['name=family&country=US', 'state'],
    ] as const) {
      const refused = await rawRequest(stack.apiUrl, 'GET', `/organizations?${query}`);
      expect(refused.status, query).toBe(400);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      expect((refused.json as { errors: { path: string; message: string }[] }).errors).toEqual([
        { path: missing, message: expect.stringContaining('is required') },
      ]);
    }
    expect((await api.call<unknown[]>('GET', '/organizations?name=family&country=US&state=VA')).body).toEqual([]);
  });

  it('the SO gets both credential emails, logs in, must change the password and answer two questions', async () => {
    const { userId, password } = await journey.credentials(so.email);
    expect(userId).toMatch(/^[A-Z]{4}\d{4}$/);
    const first = await journey.login(userId, password);
    expect(first.body).toMatchObject({ mustChangePassword: true, mustAnswerQuestions: true });
    // A first-login token opens nothing else yet.
    expect((await api.call('GET', '/approvals', { token: first.body.token })).status).toBe(403);
    expect((await api.call<unknown[]>('GET', '/auth/questions', { token: first.body.token })).body).toHaveLength(10);

    soToken = await journey.completeFirstLogin(userId, password, 'Correct-Horse-Battery-42');
    const again = await journey.login(userId, 'Correct-Horse-Battery-42');
    expect(again.body).toMatchObject({ mustChangePassword: false, mustAnswerQuestions: false });
    expect((await journey.login(userId, password)).status).toBe(401);
    expect((await api.call('GET', '/approvals', { token: soToken })).status).toBe(200);
  });

  it('a UGA registers a provider user group in that organization and the SO approves', async () => {
    uga = await journey.register('USER_GROUP_ADMINISTRATOR', 'uga@acme-clinic.example.test');
    await journey.verifyEmail(uga);
    await journey.submitWith(uga, { organizationId, userGroup: { name: 'Acme Billing Office', kind: 'PROVIDER' } });

    const queue = await api.call<{ id: string; userGroup?: string }[]>('GET', '/approvals', { token: soToken });
    expect(queue.body.map((q) => q.id)).toEqual([uga.id]);
    expect(queue.body[0]!.userGroup).toBe('Acme Billing Office');

    expect((await journey.decide(uga.id, soToken, 'APPROVE')).status).toBe(200);
    await journey.waitForStatus(uga, 'PROVISIONED');
    const [organization] = (
      await api.call<{ userGroups: { id: string; name: string; kind: string }[] }[]>('GET', '/organizations?name=Acme&country=US&state=MD')
    ).body;
    expect(organization!.userGroups).toEqual([expect.objectContaining({ name: 'Acme Billing Office', kind: 'PROVIDER' })]);
    userGroupId = organization!.userGroups[0]!.id;

    const { userId, password } = await journey.credentials(uga.email);
    ugaToken = await journey.completeFirstLogin(userId, password, 'Billing-Office-Admin-2026');
  });

  it('an End User registers into that group, the UGA approves, and the End User logs in with the emailed credentials', async () => {
    endUser = await journey.register('END_USER', 'eu@acme-clinic.example.test');
    await journey.verifyEmail(endUser);
    await journey.submitWith(endUser, { organizationId, userGroupId });

    // The SO does not approve End Users; the group's UGA does.
    expect((await api.call<unknown[]>('GET', '/approvals', { token: soToken })).body).toEqual([]);
    expect((await journey.decide(endUser.id, soToken, 'APPROVE')).status).toBe(403);
    const queue = await api.call<{ id: string }[]>('GET', '/approvals', { token: ugaToken });
    expect(queue.body.map((q) => q.id)).toEqual([endUser.id]);
    expect((await journey.decide(endUser.id, ugaToken, 'APPROVE')).status).toBe(200);
    await journey.waitForStatus(endUser, 'PROVISIONED');

    const { userId, password } = await journey.credentials(endUser.email);
    const login = await journey.login(userId, password);
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({ mustChangePassword: true, mustAnswerQuestions: true });
    expect(login.body.token).toEqual(expect.any(String));
  });

  it('the histories replay deterministically and hold no identity secret in clear, even decoded', async () => {
    const temporal = await connectTemporalClient({ ...stack.config.temporal, payloadKeys: stack.config.payloadKeys });
    const codec = new EncryptionCodec(parseCodecKeys(stack.config.payloadKeys));
    try {
      for (const registration of [so, uga, endUser]) {
        const history = await temporal.workflow.getHandle(workflowIdFor(registration.id)).fetchHistory();
        await Worker.runReplayHistory(
          { workflowBundle: testWorkflowBundle(), dataConverter: dataConverterFor(stack.config.payloadKeys) },
          history,
          workflowIdFor(registration.id),
        );
        // Every payload in the history, as stored and as an operator with the key would read it.
        const payloads = collectPayloads(history);
        const stored = payloads.map((p) => Buffer.from(p.data ?? []).toString('latin1')).join('\n');
        const decoded = (await codec.decode(payloads)).map((p) => Buffer.from(p.data ?? []).toString('utf8')).join('\n');
        const identity = SSA_FIXTURES[[so, uga, endUser].indexOf(registration)]!;
        // The codec opens the payloads (the email is in them), but the identity stays sealed with a key the codec does not use.
        expect(decoded).toContain(registration.email);
        expect(decoded).not.toContain(identity.ssn);
        expect(decoded).not.toContain(identity.dateOfBirth);
        expect(stored).not.toContain(identity.ssn);
        expect(stored).not.toContain(identity.dateOfBirth);
        expect(stored).not.toContain(registration.email);
      }
    } finally {
      await temporal.connection.close();
    }
  });
});
