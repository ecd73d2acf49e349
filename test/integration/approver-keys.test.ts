/**
 * Approvers found under their routing keys (models/approver-keys.ts, approvals/approvers.ts) on
 * the embedded database: racing listings all kept, once each; deactivated accounts and accounts
 * that no longer hold the role not counted; and the cost of finding a route's approvers does not
 * grow with the accounts that are not on it.
 */
import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { describe, expect, it } from 'vitest';
import { activeApprovers, activeApplicationRoleApprovers, groupHasApplicationApprover, listDecidersOnce } from '../../approvals/approvers';
import type { ApprovalRoute } from '../../domain/approval-routing';
import type { RoleGrant } from '../../domain/roles';
import { AccountModel } from '../../models/account';
import { listDecider, membersUnder } from '../../models/approver-keys';
import { SettingModel } from '../../models/settings';
import { useFerretDb } from '../support/database';

// Command monitoring on: the growth test counts the commands a look-up sends.
useFerretDb('approver-keys', { monitorCommands: true });

async function account(roles: RoleGrant[], extra: Record<string, unknown> = {}): Promise<string> {
  const userId = `A${randomUUID().slice(0, 8)}`.toUpperCase();
  await AccountModel.create({ userId, email: `${userId.toLowerCase()}@example.test`, firstName: 'T', lastName: 'P', roles, ...extra });
  return userId;
}

const officialsOf = (organizationId: string): ApprovalRoute => ({
  heldBy: ['SECURITY_OFFICIAL', 'BACKUP_SECURITY_OFFICIAL'],
  approvers: [{ kind: 'ORGANIZATION_ROLE', roles: ['SECURITY_OFFICIAL', 'BACKUP_SECURITY_OFFICIAL'], organizationId }],
});

/** The database commands `run` sends, from the driver's command monitoring. */
async function commandsOf(run: () => Promise<unknown>): Promise<{ name: string; filter: unknown }[]> {
  const client = mongoose.connection.getClient();
  const commands: { name: string; filter: unknown }[] = [];
  const seen = (event: { commandName: string; command: Record<string, unknown> }) =>
    commands.push({ name: event.commandName, filter: event.command.filter });
  client.on('commandStarted', seen);
  try {
    await run();
  } finally {
    client.off('commandStarted', seen);
  }
  return commands;
}

/** Whether a filter is exactly `{ _id: <string> }`: the only look-up FerretDB on SQLite answers from an index. */
const byIdAlone = (filter: unknown) =>
  typeof filter === 'object' && filter !== null && Object.keys(filter).join() === '_id' && typeof Reflect.get(filter, '_id') === 'string';

describe('approver keys', () => {
  it('eight officials listed at once under one key are all kept, once each, however often listed again', async () => {
    const organizationId = randomUUID();
    const userIds = await Promise.all(Array.from({ length: 8 }, () => account([{ role: 'BACKUP_SECURITY_OFFICIAL', organizationId }])));
    await Promise.all(userIds.map((userId) => listDecider({ userId, roles: [{ role: 'BACKUP_SECURITY_OFFICIAL', organizationId }] })));
    await Promise.all(userIds.map((userId) => listDecider({ userId, roles: [{ role: 'BACKUP_SECURITY_OFFICIAL', organizationId }] })));
    const members = await membersUnder(`BACKUP_SECURITY_OFFICIAL@org:${organizationId}`);
    expect([...members].sort()).toEqual([...userIds].sort());
    expect((await activeApprovers(officialsOf(organizationId))).map((a) => a.userId).sort()).toEqual([...userIds].sort());
  });

  it('lists only the roles some route selects: an End User is under no key', async () => {
    const organizationId = randomUUID();
    const userGroupId = randomUUID();
    const userId = await account([{ role: 'END_USER', organizationId, userGroupId }]);
    await listDecider({ userId, roles: [{ role: 'END_USER', organizationId, userGroupId }] });
    expect(await membersUnder(`END_USER@group:${userGroupId}`)).toEqual([]);
    expect(await membersUnder(`END_USER@org:${organizationId}`)).toEqual([]);
  });

  it('counts neither a deactivated account, nor the applicant, nor an account that no longer holds the role', async () => {
    const organizationId = randomUUID();
    const grant: RoleGrant = { role: 'SECURITY_OFFICIAL', organizationId };
    const active = await account([grant]);
    const deactivated = await account([grant], { deactivatedAt: new Date() });
    const applicant = await account([grant]);
    const moved = await account([{ role: 'SECURITY_OFFICIAL', organizationId: randomUUID() }]);
    for (const userId of [active, deactivated, applicant]) await listDecider({ userId, roles: [grant] });
    // Listed under this organization once, then the account's grant changed: the listing stays, the check reads the account.
    await listDecider({ userId: moved, roles: [grant] });
    expect((await activeApprovers(officialsOf(organizationId), applicant)).map((a) => a.userId)).toEqual([active]);
  });

  it("finds a group's Application Approvers by their key, and not the requester's own grant", async () => {
    const userGroupId = randomUUID();
    const organizationId = randomUUID();
    const grant = { role: 'APPLICATION_APPROVER' as const, applicationId: 'PECOS', userGroupId, organizationId };
    const approver = await account([{ role: 'END_USER', organizationId, userGroupId }], {
      applicationRoles: [{ ...grant, requestId: randomUUID(), grantedAt: new Date() }],
    });
    await listDecider({ userId: approver, roles: [], applicationRoles: [grant] });
    expect(await groupHasApplicationApprover({ applicationId: 'PECOS', userGroupId })).toBe(true);
    expect(await groupHasApplicationApprover({ applicationId: 'PECOS', userGroupId }, approver)).toBe(false);
    expect(await groupHasApplicationApprover({ applicationId: 'eCRS', userGroupId })).toBe(false);
    const route = {
      heldBy: ['APPLICATION_APPROVER' as const],
      approvers: [{ kind: 'APPLICATION_APPROVER' as const, applicationId: 'PECOS', userGroupId }],
    };
    expect((await activeApplicationRoleApprovers(route)).map((a) => a.userId)).toEqual([approver]);
  });

  it("a route's approvers are found by reads by _id alone, as many whatever the accounts not on it", async () => {
    const organizationId = randomUUID();
    const grant: RoleGrant = { role: 'SECURITY_OFFICIAL', organizationId };
    const official = await account([grant]);
    await listDecider({ userId: official, roles: [grant] });
    const before = await commandsOf(() => activeApprovers(officialsOf(organizationId)));
    expect(before.length).toBeGreaterThan(0);
    expect(before.filter((c) => c.name !== 'find' || !byIdAlone(c.filter))).toEqual([]);
    // 150 officials of other organizations, listed as provisioning lists them.
    for (let i = 0; i < 150; i++) {
      const other: RoleGrant = { role: 'SECURITY_OFFICIAL', organizationId: randomUUID() };
      await listDecider({ userId: await account([other]), roles: [other] });
    }
    const after = await commandsOf(() => activeApprovers(officialsOf(organizationId)));
    expect(after.length).toBe(before.length);
    expect((await activeApprovers(officialsOf(organizationId))).map((a) => a.userId)).toEqual([official]);
  });

  it('a database from before the keys has its accounts listed once', async () => {
    const organizationId = randomUUID();
    const grant: RoleGrant = { role: 'USER_GROUP_ADMINISTRATOR', organizationId, userGroupId: randomUUID() };
    const older = await account([grant]);
    await SettingModel.deleteOne({ _id: 'decidersListed' });
    await listDecidersOnce();
    expect(await membersUnder(`USER_GROUP_ADMINISTRATOR@group:${grant.userGroupId}`)).toEqual([older]);
    expect(await SettingModel.exists({ _id: 'decidersListed' })).not.toBeNull();
  });
});
