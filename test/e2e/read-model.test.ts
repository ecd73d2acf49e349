/**
 * Status reads come from MongoDB's read model, which the workflow writes before it answers a
 * message: a read right after any update's answer already shows the status that answer gave.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local-stack';
import { storedRegistrationView } from '../../models/registration-view';
import { ApiClient, contact, Journey, rawRequest, type Started } from '../support/api-client';
import { startTestStack } from '../support/stack';

let stack: LocalStack;
let api: ApiClient;
let journey: Journey;

beforeAll(async () => {
  stack = await startTestStack();
  api = new ApiClient(stack.apiUrl);
  journey = new Journey(api, stack.mailCatcherUrl!);
});
afterAll(async () => {
  await stack?.stop();
});

/** The GET right after an answer, and the stored view it was read from. */
async function readBack(r: Started) {
  const read = await journey.view(r);
  const stored = await storedRegistrationView(r.id);
  return { read: read.body, stored: stored?.viewJson === undefined ? undefined : (JSON.parse(stored.viewJson) as unknown) };
}

describe('the read model', () => {
  it('after every update answer the read returns the new status, from the stored view', async () => {
    const helpDesk = await journey.login(stack.config.helpDesk.userId, stack.config.helpDesk.password);
    const r = await journey.register('INDIVIDUAL_PRACTITIONER', 'read.model@example.test');
    await journey.waitForStatus(r, 'AWAITING_EMAIL_VERIFICATION');

    const wrong = await api.call<{ attemptsLeft: number }>('POST', `/registrations/${r.id}/email-verification`, {
      token: r.token,
      body: { code: '000000' },
    });
    // A wrong code changes no status, but the view's attempts left, before the answer.
    const code = await journey.emailedCode(r);
    if (code !== '000000') {
      expect(wrong.status).toBe(422);
      const afterWrong = await readBack(r);
      expect(afterWrong.read.status).toBe('AWAITING_EMAIL_VERIFICATION');
      expect(afterWrong.stored).toMatchObject({ emailCodeAttemptsLeft: wrong.body.attemptsLeft });
    }

    const steps: [string, string, unknown][] = [
      ['POST', `/registrations/${r.id}/email-verification`, { code }],
      ['PUT', `/registrations/${r.id}/details`, { contact, justification: 'I bill Medicare for my own practice.' }],
      ['POST', `/registrations/${r.id}/submit`, undefined],
    ];
    for (const [method, path, body] of steps) {
      const answer = await api.call<{ status: string }>(method, path, { token: r.token, body });
      expect(answer.status, `${method} ${path}`).toBe(200);
      const { read, stored } = await readBack(r);
      expect(read.status, `read after ${method} ${path}`).toBe(answer.body.status);
      expect(stored).toEqual(read);
    }
    const waiting = await readBack(r);
    expect(waiting.read).toMatchObject({ status: 'AWAITING_APPROVAL', trackingNumber: expect.any(String), expiresAt: expect.any(String) });

    const decision = await journey.decide(r.id, helpDesk.body.token, 'APPROVE');
    expect(decision.body.status).toBe('APPROVED');
    expect((await readBack(r)).read.status).toBe('APPROVED');
    const provisioned = await journey.waitForStatus(r, 'PROVISIONED');
    expect(provisioned.history.map((h) => h.status)).toEqual([
      'VALIDATING_IDENTITY',
      'AWAITING_EMAIL_VERIFICATION',
      'AWAITING_DETAILS',
      'AWAITING_APPROVAL',
      'APPROVED',
      'PROVISIONED',
    ]);
  });

  it('a cancel answer is read back at once', async () => {
    const r = await journey.register('INDIVIDUAL_PRACTITIONER', 'read.cancel@example.test');
    await journey.verifyEmail(r);
    const cancel = await api.call<{ status: string }>('POST', `/registrations/${r.id}/cancel`, { token: r.token });
    expect(cancel.body.status).toBe('CANCELLED');
    expect((await readBack(r)).read.status).toBe('CANCELLED');
  });
});

describe('the approver queue read model', () => {
  it('pages the queue oldest first with a cursor in Link; a bad cursor or limit is 400 naming the field', async () => {
    const helpDesk = await journey.login(stack.config.helpDesk.userId, stack.config.helpDesk.password);
    const token = helpDesk.body.token;
    const waiting: string[] = [];
    for (const n of [1, 2, 3])
      waiting.push((await journey.waitingRequest('INDIVIDUAL_PRACTITIONER', `queue.page${n}@example.test`, {})).id);

    const seen: string[] = [];
    let path: string | undefined = '/approvals?limit=2';
    for (let pages = 0; path && pages < 10; pages++) {
      const answer = await rawRequest(stack.apiUrl, 'GET', path, { headers: { authorization: `Bearer ${token}` } });
      expect(answer.status).toBe(200);
      const items = answer.json as { id: string; submittedAt: string }[];
      expect(items.length).toBeLessThanOrEqual(2);
      seen.push(...items.map((i) => i.id));
      path = /<([^>]+)>;\s*rel="next"/.exec(answer.headers.get('link') ?? '')?.[1];
    }
    // Every waiting request once, in the order they were submitted.
    expect(seen.filter((id) => waiting.includes(id))).toEqual(waiting);
    expect(new Set(seen).size).toBe(seen.length);

    const badCursor = await api.call<{ errors: { path: string }[] }>('GET', '/approvals?after=not-a-cursor', { token });
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.errors.map((e) => e.path)).toEqual(['query.after']);
    const tooMany = await api.call<{ errors: { path: string }[] }>('GET', '/approvals?limit=51', { token });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.errors.map((e) => e.path)).toEqual(['query.limit']);
  });
});
