/**
 * The application-role activities (Table 2), each run twice against real FerretDB and SMTP, as
 * Temporal may after a lost answer: one record, one route, one grant, one email. And the route
 * they work out from the accounts: the group's Approver of that application, or the SO/BSO.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPLICATION_ROLE_SUBJECTS } from '../../activities/application-role-emails';
import { createApplicationRoleActivities } from '../../activities/application-role-activities';
import { groupHasApplicationApprover } from '../../approvals/approvers';
import { createMailer, type Mailer } from '../../activities/mailer';
import { loadConfig } from '../../config';
import { startFerretDb, type RunningFerretDb } from '../../infra/ferretdb';
import { AccountModel } from '../../models/account';
import { ApplicationRoleClaimModel, ApplicationRoleRequestModel } from '../../models/application-role';
import { connectDatabase, disconnectDatabase } from '../../models/connect';
import { startMailCatcher, type RunningMailCatcher } from '../../simulators/mail-catcher';
import type { ApplicationRoleWorkflowInput } from '../../workflows/application-role-messages';
import { listMessages } from '../support/mailbox';

let ferret: RunningFerretDb;
let mail: RunningMailCatcher;
let mailer: Mailer;
let activities: ReturnType<typeof createApplicationRoleActivities>;

const ORG = 'a'.repeat(24);
const GROUP = 'b'.repeat(24);
const OTHER_GROUP = 'c'.repeat(24);

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'iacs-application-roles-'));
  ferret = await startFerretDb({ dataDir: join(dir, 'db'), logDir: dir });
  mail = await startMailCatcher();
  await connectDatabase(`${ferret.uri.replace(/\/$/, '')}/iacs`);
  mailer = createMailer({ host: '127.0.0.1', port: mail.smtpPort, from: loadConfig({}).smtp.from });
  activities = createApplicationRoleActivities({ mailer });
});
afterAll(async () => {
  mailer?.close();
  await disconnectDatabase();
  await mail?.stop();
  await ferret?.stop();
});

async function account(userId: string, email = `${userId.toLowerCase()}@example.test`) {
  await AccountModel.create({
    userId,
    email,
    firstName: 'Test',
    lastName: 'Person',
    roles: [{ role: 'END_USER', organizationId: ORG, userGroupId: GROUP }],
  });
  return { userId, email };
}

function input(requesterUserId: string, overrides: Partial<ApplicationRoleWorkflowInput> = {}): ApplicationRoleWorkflowInput {
  return {
    requestId: randomUUID(),
    requesterUserId,
    applicationId: 'PS&R',
    applicationName: 'Provider Statistical & Reimbursement',
    role: 'APPLICATION_USER',
    userGroupId: GROUP,
    organizationId: ORG,
    ...overrides,
  };
}
const history = [{ status: 'AWAITING_APPROVAL' as const, at: new Date().toISOString() }];

describe('application-role activities run twice do their work once', () => {
  it('recordApplicationRoleRequest keeps one record, one tracking number and the route of its first run', async () => {
    const requester = await account('REC00001');
    const request = input(requester.userId);
    const first = await activities.recordApplicationRoleRequest({ input: request, history });
    expect(first.route.heldBy).toEqual(['SECURITY_OFFICIAL', 'BACKUP_SECURITY_OFFICIAL']);
    expect(first.trackingNumber).toMatch(/^IACS-\d{4}-\d{6}$/);

    // An Approver appears in between: the retry still answers with the route recorded first.
    const approver = await account('REC00002');
    await activities.grantApplicationRole({
      requestId: randomUUID(),
      requesterUserId: approver.userId,
      grant: { role: 'APPLICATION_APPROVER', applicationId: 'PS&R', userGroupId: GROUP, organizationId: ORG },
    });
    const second = await activities.recordApplicationRoleRequest({ input: request, history });
    expect(second).toEqual(first);
    expect(await ApplicationRoleRequestModel.countDocuments({ _id: request.requestId })).toBe(1);
    const stored = await ApplicationRoleRequestModel.findById(request.requestId).lean();
    expect(stored).toMatchObject({ status: 'AWAITING_APPROVAL', requesterUserId: requester.userId, trackingNumber: first.trackingNumber });
  });

  it('grantApplicationRole adds the role once', async () => {
    const requester = await account('GRA00001');
    const requestId = randomUUID();
    const grant = { role: 'APPLICATION_USER' as const, applicationId: 'HETS', userGroupId: GROUP, organizationId: ORG };
    await activities.grantApplicationRole({ requestId, requesterUserId: requester.userId, grant });
    await activities.grantApplicationRole({ requestId, requesterUserId: requester.userId, grant });
    const stored = await AccountModel.findOne({ userId: requester.userId }).lean();
    expect(stored!.applicationRoles).toEqual([{ ...grant, requestId, grantedAt: expect.any(Date) }]);
  });

  it('grantApplicationRole run twice at once adds the role once, granted at the recorded approval', async () => {
    const requester = await account('GRA00002');
    const request = input(requester.userId);
    await activities.recordApplicationRoleRequest({ input: request, history });
    const approvedAt = new Date(Date.now() - 60_000).toISOString();
    await ApplicationRoleRequestModel.updateOne(
      { _id: request.requestId },
      { $set: { status: 'APPROVED', history: [...history, { status: 'APPROVED', at: approvedAt }] } },
    );
    const grant = { role: request.role, applicationId: request.applicationId, userGroupId: GROUP, organizationId: ORG };
    await Promise.all(
      [1, 2].map(() => activities.grantApplicationRole({ requestId: request.requestId, requesterUserId: requester.userId, grant })),
    );
    const stored = await AccountModel.findById(requester.userId).lean();
    expect(stored!.applicationRoles).toEqual([{ ...grant, requestId: request.requestId, grantedAt: new Date(approvedAt) }]);
  });

  it('grantApplicationRole for an account that does not exist fails (and is retried), granting nothing', async () => {
    await expect(
      activities.grantApplicationRole({
        requestId: randomUUID(),
        requesterUserId: 'NOSUCH01',
        grant: { role: 'APPLICATION_USER', applicationId: 'HETS', userGroupId: GROUP, organizationId: ORG },
      }),
    ).rejects.toThrow(/not recorded/);
  });

  it('notifyApplicationRoleRequester sends the outcome once', async () => {
    const requester = await account('NOT00001', 'notify-twice@example.test');
    const request = input(requester.userId);
    for (let i = 0; i < 2; i++)
      await activities.notifyApplicationRoleRequester({
        input: request,
        notice: 'DENIED',
        reason: 'Not needed',
        trackingNumber: 'IACS-2026-000009',
      });
    const messages = await listMessages(mail.httpUrl, requester.email);
    expect(messages.map((m) => m.subject)).toEqual([APPLICATION_ROLE_SUBJECTS.DENIED]);
    expect(messages[0]!.text).toContain('Reason: Not needed');
    expect(messages[0]!.text).toContain('IACS-2026-000009');
  });

  it('releaseApplicationRoleKey releases only its own claim', async () => {
    const requestId = randomUUID();
    await ApplicationRoleClaimModel.create({ _id: 'key-1', requestId: 'someone-else', claimedAt: new Date() });
    await activities.releaseApplicationRoleKey({ requestId, key: 'key-1' });
    const untouched = await ApplicationRoleClaimModel.findById('key-1').lean();
    expect(untouched?.requestId).toBe('someone-else');
    expect(untouched?.releasedAt).toBeUndefined();
    await ApplicationRoleClaimModel.create({ _id: 'key-2', requestId, claimedAt: new Date() });
    await activities.releaseApplicationRoleKey({ requestId, key: 'key-2' });
    await activities.releaseApplicationRoleKey({ requestId, key: 'key-2' });
    expect((await ApplicationRoleClaimModel.findById('key-2').lean())?.releasedAt).toBeInstanceOf(Date);
  });
});

describe('whether a group has an Approver of an application', () => {
  it('needs the Approver role of that application in that group, held by someone other than the requester', async () => {
    const approver = await account('GHA00001');
    await activities.grantApplicationRole({
      requestId: randomUUID(),
      requesterUserId: approver.userId,
      grant: { role: 'APPLICATION_APPROVER', applicationId: 'PECOS', userGroupId: GROUP, organizationId: ORG },
    });
    const user = await account('GHA00002');
    await activities.grantApplicationRole({
      requestId: randomUUID(),
      requesterUserId: user.userId,
      grant: { role: 'APPLICATION_USER', applicationId: 'eCRS', userGroupId: GROUP, organizationId: ORG },
    });
    expect(await groupHasApplicationApprover({ applicationId: 'PECOS', userGroupId: GROUP })).toBe(true);
    expect(await groupHasApplicationApprover({ applicationId: 'PECOS', userGroupId: GROUP }, approver.userId)).toBe(false);
    expect(await groupHasApplicationApprover({ applicationId: 'PECOS', userGroupId: OTHER_GROUP })).toBe(false);
    // A User of an application is not its Approver.
    expect(await groupHasApplicationApprover({ applicationId: 'eCRS', userGroupId: GROUP })).toBe(false);
    // A deactivated Approver no longer counts: the group falls back to its SO/BSO.
    await AccountModel.updateOne({ userId: approver.userId }, { $set: { deactivatedAt: new Date() } });
    expect(await groupHasApplicationApprover({ applicationId: 'PECOS', userGroupId: GROUP })).toBe(false);
    await AccountModel.updateOne({ userId: approver.userId }, { $unset: { deactivatedAt: 1 } });
  });

  it("routes a User request to the group's Approver when there is one", async () => {
    const requester = await account('RTE00001');
    const routed = await activities.recordApplicationRoleRequest({ input: input(requester.userId, { applicationId: 'PECOS' }), history });
    expect(routed.route).toEqual({
      heldBy: ['APPLICATION_APPROVER'],
      approvers: [{ kind: 'APPLICATION_APPROVER', applicationId: 'PECOS', userGroupId: GROUP }],
    });
    const approverRequest = await activities.recordApplicationRoleRequest({
      input: input(requester.userId, { applicationId: 'PECOS', role: 'APPLICATION_APPROVER' }),
      history,
    });
    expect(approverRequest.route.heldBy).toEqual(['SECURITY_OFFICIAL', 'BACKUP_SECURITY_OFFICIAL']);
  });
});
