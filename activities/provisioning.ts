/**
 * Turns an approved registration into an account: the organization or user group it creates,
 * the role it grants, a user ID and a temporary password, each sent in its own email.
 * Every step checks what an earlier attempt already did.
 */
import { randomInt } from 'node:crypto';
import type { HydratedDocument } from 'mongoose';
import type { RoleGrant } from '../domain/roles';
import type { RegistrationDetails } from '../domain/schemas';
import { AccountModel } from '../models/account';
import { OrganizationModel, UserGroupModel } from '../models/organization';
import { RegistrationModel, type RegistrationRecord } from '../models/registration';
import { hashPassword, temporaryPassword } from '../security/secrets';
import { audit } from './audit';
import * as emails from './emails';
import type { Mailer } from './mailer';

export const TEMPORARY_PASSWORD_TTL_MS = 14 * 24 * 60 * 60 * 1000;

async function grantFor(registration: RegistrationRecord & { _id: string }, details: RegistrationDetails): Promise<RoleGrant> {
  const createdByRegistrationId = registration._id;
  switch (registration.role) {
    case 'SECURITY_OFFICIAL': {
      const organization =
        (await OrganizationModel.findOne({ createdByRegistrationId })) ??
        (await OrganizationModel.create({ ...details.organization!, status: 'APPROVED', createdByRegistrationId }));
      return { role: 'SECURITY_OFFICIAL', organizationId: organization.id as string };
    }
    case 'USER_GROUP_ADMINISTRATOR': {
      const group =
        (await UserGroupModel.findOne({ createdByRegistrationId })) ??
        (await UserGroupModel.create({ ...details.userGroup!, organizationId: details.organizationId!, createdByRegistrationId }));
      return { role: 'USER_GROUP_ADMINISTRATOR', organizationId: details.organizationId, userGroupId: group.id as string };
    }
    default:
      return { role: registration.role, organizationId: details.organizationId, userGroupId: details.userGroupId };
  }
}

/** An IACS-style user ID: initials and digits, e.g. `JSMI4821`. */
function candidateUserId(firstName: string, lastName: string): string {
  const letters = (s: string) => s.toUpperCase().replace(/[^A-Z]/g, '');
  const stem = (letters(firstName).slice(0, 1) + letters(lastName).slice(0, 3)).padEnd(4, 'X');
  return `${stem}${String(randomInt(10_000)).padStart(4, '0')}`;
}

async function accountFor(registration: RegistrationRecord & { _id: string }, grant: RoleGrant) {
  const existing = await AccountModel.findOne({ createdByRegistrationId: registration._id });
  if (existing) return existing;
  for (let attempt = 0; ; attempt++) {
    try {
      return await AccountModel.create({
        userId: candidateUserId(registration.firstName, registration.lastName),
        email: registration.email,
        firstName: registration.firstName,
        lastName: registration.lastName,
        ssnHash: registration.ssnHash,
        passwordIsTemporary: true,
        roles: [{ ...grant, registrationId: registration._id }],
        createdByRegistrationId: registration._id,
      });
    } catch (err) {
      const duplicateUserId = (err as { code?: number }).code === 11000 && attempt < 20;
      if (!duplicateUserId) throw err;
    }
  }
}

async function sendCredentials(
  account: HydratedDocument<{ userId: string; email: string; userIdEmailSentAt?: Date | null; passwordEmailSentAt?: Date | null }>,
  mailer: Mailer,
) {
  if (!account.userIdEmailSentAt) {
    await mailer.send(emails.userIdEnclosed(account.email, account.userId));
    await AccountModel.updateOne({ _id: account._id }, { $set: { userIdEmailSentAt: new Date() } });
  }
  if (!account.passwordEmailSentAt) {
    // A fresh password on every attempt: only the one in the email that went out is valid.
    const password = temporaryPassword();
    await AccountModel.updateOne(
      { _id: account._id },
      {
        $set: {
          passwordHash: await hashPassword(password),
          passwordIsTemporary: true,
          temporaryPasswordExpiresAt: new Date(Date.now() + TEMPORARY_PASSWORD_TTL_MS),
        },
      },
    );
    await mailer.send(emails.passwordEnclosed(account.email, password));
    await AccountModel.updateOne({ _id: account._id }, { $set: { passwordEmailSentAt: new Date() } });
  }
}

/** One person, one account: a further role is added to it, and its holder is told (no new credentials). */
async function addRole(userId: string, registrationId: string, grant: RoleGrant, mailer: Mailer) {
  const account = await AccountModel.findOne({ userId });
  if (!account) throw new Error(`account ${userId} of registration ${registrationId} is gone`);
  if (!account.roles.some((r) => r.registrationId === registrationId)) {
    await AccountModel.updateOne(
      { _id: account._id, 'roles.registrationId': { $ne: registrationId } },
      { $push: { roles: { ...grant, registrationId } } },
    );
  }
  await mailer.sendOnce(`role-added:${registrationId}`, emails.roleAdded(account.email, grant.role));
  return account;
}

export async function provisionAccount(
  registration: HydratedDocument<RegistrationRecord & { _id: string }>,
  mailer: Mailer,
): Promise<{ userId: string }> {
  const details = registration.details as RegistrationDetails;
  const grant = await grantFor(registration, details);
  const account = registration.applicantUserId
    ? await addRole(registration.applicantUserId, registration._id, grant, mailer)
    : await accountFor(registration, grant);
  if (!registration.applicantUserId) await sendCredentials(account, mailer);
  await RegistrationModel.updateOne({ _id: registration._id }, { $set: { userId: account.userId } });
  await audit(`${registration._id}:provisioned`, {
    kind: 'ACCOUNT_PROVISIONED',
    registrationId: registration._id,
    data: { userId: account.userId, role: grant.role },
  });
  return { userId: account.userId };
}
