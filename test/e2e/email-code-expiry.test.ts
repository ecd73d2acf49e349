/**
 * The email-code window on real servers, shortened to 3 s (EMAIL_CODE_TTL_MS) so that it can
 * be watched end to end: the deadline the applicant is shown, the expiry itself, the answer to
 * a late code, and a resend restarting the window.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local-stack';
import { workflowIdFor } from '../../workflows/messages';
import { ApiClient, Journey, type Started } from '../support/api-client';
import { listMessages, waitForMessage } from '../support/mailbox';
import { startTestStack } from '../support/stack';

const TTL_MS = 3_000;

let stack: LocalStack;
let journey: Journey;
let api: ApiClient;
let temporal: Client;

beforeAll(async () => {
  stack = await startTestStack({ EMAIL_CODE_TTL_MS: String(TTL_MS) });
  api = new ApiClient(stack.apiUrl);
  journey = new Journey(api, stack.mailCatcherUrl!);
  temporal = new Client({
    connection: await Connection.connect({ address: stack.config.temporal.address }),
    namespace: stack.config.temporal.namespace,
  });
});
afterAll(async () => {
  await temporal?.connection.close();
  await stack?.stop();
});

const atOf = (history: { status: string; at: string }[], status: string) => Date.parse(history.find((h) => h.status === status)!.at);
/** AWAITING_EMAIL_VERIFICATION with its deadline: the timer starts once the code's email has gone out. */
async function codeWindowOpen(r: Started) {
  await journey.waitForStatus(r, 'AWAITING_EMAIL_VERIFICATION');
  let view = await journey.view(r);
  await expect
    .poll(async () => (view = await journey.view(r)).body.emailCodeExpiresAt, { timeout: 10_000, interval: 50 })
    .toEqual(expect.any(String));
  return view.body;
}

const verify = (r: Started, code: string) =>
  api.call('POST', `/registrations/${r.id}/email-verification`, { token: r.token, body: { code } });

async function closed(r: Started): Promise<void> {
  const handle = temporal.workflow.getHandle(workflowIdFor(r.id));
  await expect.poll(async () => (await handle.describe()).status.name, { timeout: 20_000, interval: 200 }).toBe('COMPLETED');
}

describe('the email verification window (3 s in this stack)', () => {
  let expired: Started;

  it('shows when the code expires, then ends in EMAIL_VERIFICATION_EXPIRED (final) with a notice', async () => {
    expect(stack.config.policy.emailCodeTtlMs).toBe(TTL_MS);
    expired = await journey.register('END_USER', 'expires@expiry.example.test');
    const waiting = await codeWindowOpen(expired);
    const code = await journey.emailedCode(expired);
    expect(code).toMatch(/^\d{6}$/);

    expect(waiting.emailCodeExpiresAt).toEqual(expect.any(String));
    const expiresAt = Date.parse(waiting.emailCodeExpiresAt!);
    const since = expiresAt - atOf(waiting.history, 'AWAITING_EMAIL_VERIFICATION');
    // The window starts with the status (give or take sending the email): ~3 s after it.
    expect(since).toBeGreaterThanOrEqual(TTL_MS);
    expect(since).toBeLessThan(TTL_MS + 1_500);

    const done = await journey.waitForStatus(expired, 'EMAIL_VERIFICATION_EXPIRED', 15_000);
    expect(done.history.map((h) => h.status)).toEqual(['VALIDATING_IDENTITY', 'AWAITING_EMAIL_VERIFICATION', 'EMAIL_VERIFICATION_EXPIRED']);
    const window = atOf(done.history, 'EMAIL_VERIFICATION_EXPIRED') - atOf(done.history, 'AWAITING_EMAIL_VERIFICATION');
    expect(window).toBeGreaterThanOrEqual(TTL_MS);
    expect(window).toBeLessThan(TTL_MS + 3_000);
    expect(done.emailCodeExpiresAt).toBeUndefined();
    expect(done.reason).toMatch(/time/i);
    await waitForMessage(stack.mailCatcherUrl!, { to: expired.email, subject: 'IACS Registration – Email Verification Expired' }, 20_000);

    // Final: the workflow ends, and the registration stays expired.
    await closed(expired);
    expect((await journey.view(expired)).body.status).toBe('EMAIL_VERIFICATION_EXPIRED');
  });

  /*
   * Regression guard: once expired, the workflow has completed and Temporal refuses updates with
   * NOT_FOUND; until commit bf92f44 the API answered 404 "no such registration". shared/API.md: 410.
   */
  it('verifying the (right) code after expiry answers 410', async () => {
    await closed(expired);
    const late = await verify(expired, await journey.emailedCode(expired));
    expect(late.contentType).toContain('application/problem+json');
    expect(late.status).toBe(410);
    expect(late.body).toMatchObject({ status: 410, registrationStatus: 'EMAIL_VERIFICATION_EXPIRED' });
    expect((await journey.view(expired)).body.status).toBe('EMAIL_VERIFICATION_EXPIRED');
  });

  it('a resend restarts the window: still waiting after the first window would have ended, expired after the second', async () => {
    const r = await journey.register('END_USER', 'resend-window@expiry.example.test');
    const waiting = await codeWindowOpen(r);
    const firstExpiry = Date.parse(waiting.emailCodeExpiresAt!);
    const enteredAt = Date.now();
    await journey.emailedCode(r, 1);

    await sleep(Math.max(0, enteredAt + 2_000 - Date.now()));
    const resentAt = Date.now();
    const resend = await api.call('POST', `/registrations/${r.id}/email-verification/resend`, { token: r.token });
    expect(resend.status).toBe(202);
    const afterResend = await journey.view(r);
    expect(afterResend.body.status).toBe('AWAITING_EMAIL_VERIFICATION');
    const secondExpiry = Date.parse(afterResend.body.emailCodeExpiresAt!);
    expect(secondExpiry).toBeGreaterThan(firstExpiry + 1_000);
    await journey.emailedCode(r, 2);

    // ~4 s after the status change: past the first window, inside the second.
    await sleep(Math.max(0, enteredAt + 4_000 - Date.now()));
    const stillWaiting = await journey.view(r);
    expect(stillWaiting.body.status).toBe('AWAITING_EMAIL_VERIFICATION');

    const done = await journey.waitForStatus(r, 'EMAIL_VERIFICATION_EXPIRED', 15_000);
    const expiredAt = atOf(done.history, 'EMAIL_VERIFICATION_EXPIRED');
    expect(expiredAt - resentAt).toBeGreaterThanOrEqual(TTL_MS - 250);
    expect(expiredAt).toBeGreaterThanOrEqual(secondExpiry - 50);
    // Only the expiry notice went out besides the two codes.
    const subjects = (await listMessages(stack.mailCatcherUrl!, r.email)).map((m) => m.subject);
    expect(subjects.filter((s) => s === 'Email Address Verification')).toHaveLength(2);
  }, 120_000);

  it('the resent code works inside the new window, after the first window has passed', async () => {
    const r = await journey.register('END_USER', 'resend-works@expiry.example.test');
    await codeWindowOpen(r);
    const enteredAt = Date.now();
    await journey.emailedCode(r, 1);
    await sleep(Math.max(0, enteredAt + 2_000 - Date.now()));
    expect((await api.call('POST', `/registrations/${r.id}/email-verification/resend`, { token: r.token })).status).toBe(202);
    const code = await journey.emailedCode(r, 2);
    await sleep(Math.max(0, enteredAt + 3_800 - Date.now()));
    const ok = await verify(r, code);
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ status: 'AWAITING_DETAILS' });
    // The old timer is gone: the registration does not expire later.
    await sleep(TTL_MS);
    expect((await journey.view(r)).body.status).toBe('AWAITING_DETAILS');
  }, 120_000);
});
