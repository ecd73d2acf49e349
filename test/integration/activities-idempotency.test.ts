/**
 * Temporal may run an activity again after a failure or a lost answer. These run each effect
 * twice against real FerretDB and SMTP and check that nothing is sent or created twice.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailer, type Mailer } from '../../activities/mailer';
import { createRegistrationActivities } from '../../activities/registration-activities';
import { createSsaClient } from '../../activities/ssa-client';
import { SUBJECTS } from '../../activities/emails';
import { loadConfig } from '../../config';
import { startFerretDb, type RunningFerretDb } from '../../infra/ferretdb';
import { DEFAULT_POLICY } from '../../domain/registration-policy';
import { AccountModel } from '../../models/account';
import { connectDatabase, disconnectDatabase } from '../../models/connect';
import { OrganizationModel } from '../../models/organization';
import { RegistrationModel } from '../../models/registration';
import { keysFromBase64, tokenHash } from '../../security/secrets';
import { startMailCatcher, type RunningMailCatcher } from '../../simulators/mail-catcher';
import { SSA_FIXTURES } from '../../simulators/ssa-fixtures';
import { listMessages } from '../support/mailbox';

let ferret: RunningFerretDb;
let mail: RunningMailCatcher;
let mailer: Mailer;
let activities: ReturnType<typeof createRegistrationActivities>;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'iacs-activities-'));
  ferret = await startFerretDb({ dataDir: join(dir, 'db'), logDir: dir });
  mail = await startMailCatcher();
  await connectDatabase(`${ferret.uri.replace(/\/$/, '')}/iacs`);
  const config = loadConfig({});
  mailer = createMailer({ host: '127.0.0.1', port: mail.smtpPort, from: config.smtp.from });
  activities = createRegistrationActivities({
    keys: keysFromBase64(config.hashKey, config.fieldKey),
    mailer,
    ssa: createSsaClient('http://127.0.0.1:9/unused'),
  });
});
afterAll(async () => {
  mailer?.close();
  await disconnectDatabase();
  await mail?.stop();
  await ferret?.stop();
});

async function recorded(email: string) {
  const registrationId = randomUUID();
  await activities.recordRegistration({
    registrationId,
    community: 'PROVIDER_SUPPLIER',
    role: 'SECURITY_OFFICIAL',
    identity: SSA_FIXTURES[0]!,
    email,
    applicantTokenHash: tokenHash(keysFromBase64(loadConfig({}).hashKey, loadConfig({}).fieldKey), 't'.repeat(43)),
    policy: DEFAULT_POLICY,
  });
  return registrationId;
}

function securityOfficialDetails(organizationName: string) {
  return {
    contact: { phone: '+1 410 555 0100', address: { line1: '1 Main St', city: 'Towson', state: 'MD', postalCode: '21204', country: 'US' } },
    organization: { name: organizationName, country: 'US', state: 'MD', providerType: 'HOSPITAL' as const },
    justification: 'Security Official of the organization.',
  };
}

describe('activities run twice do their work once', () => {
  it('recordRegistration keeps one document, with the SSN only hashed and the date of birth sealed', async () => {
    const registrationId = await recorded('twice@example.test');
    await activities.recordRegistration({
      registrationId,
      community: 'PROVIDER_SUPPLIER',
      role: 'SECURITY_OFFICIAL',
      identity: SSA_FIXTURES[0]!,
      email: 'twice@example.test',
      applicantTokenHash: tokenHash(keysFromBase64(loadConfig({}).hashKey, loadConfig({}).fieldKey), 't'.repeat(43)),
      policy: DEFAULT_POLICY,
    });
    expect(await RegistrationModel.countDocuments({ _id: registrationId })).toBe(1);
    const raw = JSON.stringify(await RegistrationModel.findById(registrationId).lean());
    expect(raw).not.toContain(SSA_FIXTURES[0]!.ssn);
    expect(raw).not.toContain(SSA_FIXTURES[0]!.dateOfBirth);
    expect(raw).toContain('"ssnLast4":"0001"');
  });

  it('issueEmailCode sends one email per code number, and the code checks out', async () => {
    const registrationId = await recorded('code@example.test');
    const args = { registrationId, email: 'code@example.test', codeNumber: 1, validForMs: DEFAULT_POLICY.emailCodeTtlMs };
    await activities.issueEmailCode(args);
    await activities.issueEmailCode(args);
    const messages = (await listMessages(mail.httpUrl, 'code@example.test')).filter((m) => m.subject === SUBJECTS.emailVerification);
    expect(messages).toHaveLength(1);
    expect(messages[0]!.text).toContain('30 minutes');
    const code = /code is (\d{6})/.exec(messages[0]!.text)![1]!;
    expect(await activities.checkEmailCode({ registrationId, codeNumber: 1, code })).toBe(true);
    expect(await activities.checkEmailCode({ registrationId, codeNumber: 1, code: code === '000000' ? '111111' : '000000' })).toBe(false);
    expect(await activities.checkEmailCode({ registrationId, codeNumber: 2, code })).toBe(false);
  });

  it('submitRegistration issues one tracking number and one confirmation email', async () => {
    const registrationId = await recorded('submit@example.test');
    const details = securityOfficialDetails('Twice Clinic');
    const first = await activities.submitRegistration({ registrationId, role: 'SECURITY_OFFICIAL', email: 'submit@example.test', details });
    const second = await activities.submitRegistration({
      registrationId,
      role: 'SECURITY_OFFICIAL',
      email: 'submit@example.test',
      details,
    });
    expect(second.trackingNumber).toBe(first.trackingNumber);
    expect(first.route.heldBy).toEqual(['HELP_DESK']);
    expect((await listMessages(mail.httpUrl, 'submit@example.test')).filter((m) => m.subject === SUBJECTS.submitted)).toHaveLength(1);
  });

  it('provisionAccount creates one organization and one account, and sends each credential email once', async () => {
    const registrationId = await recorded('provision@example.test');
    const details = securityOfficialDetails('Provisioned Once Clinic');
    await activities.submitRegistration({ registrationId, role: 'SECURITY_OFFICIAL', email: 'provision@example.test', details });
    const first = await activities.provisionAccount({ registrationId });
    const second = await activities.provisionAccount({ registrationId });
    expect(second.userId).toBe(first.userId);
    expect(await OrganizationModel.countDocuments({ createdByRegistrationId: registrationId })).toBe(1);
    expect(await AccountModel.countDocuments({ createdByRegistrationId: registrationId })).toBe(1);
    const subjects = (await listMessages(mail.httpUrl, 'provision@example.test')).map((m) => m.subject);
    expect(subjects.filter((s) => s === SUBJECTS.userId)).toHaveLength(1);
    expect(subjects.filter((s) => s === SUBJECTS.password)).toHaveLength(1);
    const account = await AccountModel.findOne({ createdByRegistrationId: registrationId }).lean();
    expect(account!.passwordHash).toMatch(/^hmac\$/);
    expect(account!.roles).toEqual([expect.objectContaining({ role: 'SECURITY_OFFICIAL', registrationId })]);
  });

  it('provisionAccount for a further role adds it to the account once, and tells its holder once', async () => {
    const first = await recorded('holder@example.test');
    await activities.submitRegistration({
      registrationId: first,
      role: 'SECURITY_OFFICIAL',
      email: 'holder@example.test',
      details: securityOfficialDetails('Further Role Clinic'),
    });
    const { userId } = await activities.provisionAccount({ registrationId: first });
    const organizationId = (await AccountModel.findById(userId).lean())!.roles[0]!.organizationId!;
    const registrationId = randomUUID();
    await activities.recordRegistration({
      registrationId,
      community: 'PROVIDER_SUPPLIER',
      role: 'BACKUP_SECURITY_OFFICIAL',
      applicantUserId: userId,
      email: 'holder@example.test',
      applicantTokenHash: tokenHash(keysFromBase64(loadConfig({}).hashKey, loadConfig({}).fieldKey), 'u'.repeat(43)),
      policy: DEFAULT_POLICY,
    });
    const { contact, justification } = securityOfficialDetails('unused');
    const details = { contact, justification, organizationId };
    await activities.submitRegistration({ registrationId, role: 'BACKUP_SECURITY_OFFICIAL', email: 'holder@example.test', details });
    await activities.provisionAccount({ registrationId });
    await activities.provisionAccount({ registrationId });
    const account = await AccountModel.findById(userId).lean();
    expect(account!.roles.filter((r) => r.registrationId === registrationId)).toEqual([
      expect.objectContaining({ role: 'BACKUP_SECURITY_OFFICIAL', organizationId }),
    ]);
    expect(account!.roles).toHaveLength(2);
    const subjects = (await listMessages(mail.httpUrl, 'holder@example.test')).map((m) => m.subject);
    expect(subjects.filter((s) => s === SUBJECTS.roleAdded)).toHaveLength(1);
  });

  it('notifyApplicant sends a notice once', async () => {
    const registrationId = await recorded('notice@example.test');
    await activities.notifyApplicant({ registrationId, email: 'notice@example.test', notice: 'DENIED', reason: 'Not an employee' });
    await activities.notifyApplicant({ registrationId, email: 'notice@example.test', notice: 'DENIED', reason: 'Not an employee' });
    const notices = await listMessages(mail.httpUrl, 'notice@example.test');
    expect(notices).toHaveLength(1);
    expect(notices[0]!.text).toContain('Not an employee');
  });
});
