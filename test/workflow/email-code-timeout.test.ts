/**
 * The real 30-minute email-code window (DEFAULT_POLICY), on Temporal's time-skipping test
 * server: the registration workflow with its real activities (FerretDB, SMTP catcher, SSA
 * simulator), where half an hour passes in a moment.
 */
import { sealCode } from '../../security/sealed-identity';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, EMAIL_CODE_TTL_MS } from '../../domain/registration-policy';
import { EmailCodeModel, RegistrationModel } from '../../models/registration';
import { SSA_FIXTURES } from '../../simulators/ssa-fixtures';
import { cancelUpdate, registrationViewQuery, verifyEmailCodeUpdate } from '../../workflows/messages';
import { listMessages } from '../support/mailbox';
import {
  atOf,
  codeSent,
  emailedCode as emailedCodeAt,
  recordHistoriesIfAsked,
  startRegistration as start,
  startTimeSkippingStack,
  waitForStatus,
  type TimeSkippingStack,
} from './time-skipping-env';

const MINUTE = 60_000;

let stack: TimeSkippingStack;
let env: TimeSkippingStack['env'];
let mail: TimeSkippingStack['mail'];

beforeAll(async () => {
  stack = await startTimeSkippingStack('email-code-timeout');
  ({ env, mail } = stack);
});

// With RECORD_HISTORIES set, each test's workflows are saved as replay fixtures.
afterEach(async () => {
  await recordHistoriesIfAsked(stack, expect.getState().currentTestName);
});
afterAll(async () => {
  await stack?.stop();
});

let fixture = 0;
const startRegistration = (email: string) => start(stack, { email, identity: SSA_FIXTURES[fixture++ % SSA_FIXTURES.length]! });
const emailedCode = (email: string) => emailedCodeAt(mail.httpUrl, email);

describe('the 30-minute email code window (DEFAULT_POLICY, time-skipping)', () => {
  it('a code never entered expires after 30 minutes of workflow time', async () => {
    expect(DEFAULT_POLICY.emailCodeTtlMs).toBe(30 * MINUTE);
    expect(EMAIL_CODE_TTL_MS).toBe(30 * MINUTE);
    const email = 'never-entered@timeout.example.test';
    const { handle, input } = await startRegistration(email);

    const waiting = await waitForStatus(handle, 'AWAITING_EMAIL_VERIFICATION', codeSent);
    expect(waiting.emailCodeExpiresAt).toEqual(expect.any(String));
    const shownWindow = Date.parse(waiting.emailCodeExpiresAt!) - atOf(waiting, 'AWAITING_EMAIL_VERIFICATION');
    expect(shownWindow).toBeGreaterThanOrEqual(30 * MINUTE);
    expect(shownWindow).toBeLessThan(31 * MINUTE);
    const code = await emailedCode(email);
    expect(code).toMatch(/^\d{6}$/);
    // The email tells the applicant the real window.
    expect((await listMessages(mail.httpUrl, email))[0]!.text).toContain('within 30 minutes');

    const startedAt = Date.now();
    const result = await handle.result();
    // Half an hour of workflow time passed in (much) less than a minute of ours.
    expect(Date.now() - startedAt).toBeLessThan(MINUTE);

    expect(result.status).toBe('EMAIL_VERIFICATION_EXPIRED');
    expect(result.history.map((h) => h.status)).toEqual([
      'VALIDATING_IDENTITY',
      'AWAITING_EMAIL_VERIFICATION',
      'EMAIL_VERIFICATION_EXPIRED',
    ]);
    const window = atOf(result, 'EMAIL_VERIFICATION_EXPIRED') - atOf(result, 'AWAITING_EMAIL_VERIFICATION');
    expect(window).toBeGreaterThanOrEqual(30 * MINUTE);
    expect(window).toBeLessThan(31 * MINUTE);

    // The activities really ran: the record shows the final status and the notice went out.
    const record = await RegistrationModel.findById(input.registrationId).lean();
    expect(record?.status).toBe('EMAIL_VERIFICATION_EXPIRED');
    expect(record?.history.map((h) => h.status)).toEqual([
      'VALIDATING_IDENTITY',
      'AWAITING_EMAIL_VERIFICATION',
      'EMAIL_VERIFICATION_EXPIRED',
    ]);
    expect(await EmailCodeModel.countDocuments({ registrationId: input.registrationId })).toBe(1);
    const subjects = (await listMessages(mail.httpUrl, email)).map((m) => m.subject);
    expect(subjects).toEqual(['Email Address Verification', 'IACS Registration – Email Verification Expired']);
  }, 120_000);

  it('after 29 minutes the code is still accepted, and the expiry timer no longer applies', async () => {
    const email = 'entered-late@timeout.example.test';
    const { handle } = await startRegistration(email);
    const waiting = await waitForStatus(handle, 'AWAITING_EMAIL_VERIFICATION', codeSent);
    const code = await emailedCode(email);

    const before = await env.currentTimeMs();
    await env.sleep('29 minutes');
    expect((await env.currentTimeMs()) - before).toBeGreaterThanOrEqual(29 * MINUTE);

    const late = await handle.query(registrationViewQuery);
    expect(late.status).toBe('AWAITING_EMAIL_VERIFICATION');
    expect(late.emailCodeExpiresAt).toBe(waiting.emailCodeExpiresAt);

    const verified = await handle.executeUpdate(verifyEmailCodeUpdate, { args: [sealCode(stack.keys, code)] });
    expect(verified).toMatchObject({ status: 'AWAITING_DETAILS', accepted: true });
    const view = await handle.query(registrationViewQuery);
    expect(view.status).toBe('AWAITING_DETAILS');
    const enteredAfter = atOf(view, 'AWAITING_DETAILS') - atOf(view, 'AWAITING_EMAIL_VERIFICATION');
    expect(enteredAfter).toBeGreaterThanOrEqual(29 * MINUTE);
    expect(enteredAfter).toBeLessThan(30 * MINUTE);

    // Past the original 30 minutes: the cancelled timer does not expire the registration.
    await env.sleep('5 minutes');
    expect((await handle.query(registrationViewQuery)).status).toBe('AWAITING_DETAILS');

    // End it cleanly, so the environment is idle for teardown.
    expect(await handle.executeUpdate(cancelUpdate)).toEqual({ status: 'CANCELLED' });
    const result = await handle.result();
    expect(result.status).toBe('CANCELLED');
    expect(result.history.map((h) => h.status)).toEqual([
      'VALIDATING_IDENTITY',
      'AWAITING_EMAIL_VERIFICATION',
      'AWAITING_DETAILS',
      'CANCELLED',
    ]);
  }, 120_000);
});
