/**
 * Turns an approved registration into an account: the organization or user group it creates,
 * the role it grants, a user ID and a temporary password, each sent in its own email.
 * Every step checks what an earlier attempt already did.
 */
import { randomInt } from 'node:crypto';
import type { HydratedDocument } from 'mongoose';
import type { RoleGrant } from '../domain/roles';
import type { RegistrationDetails } from '../domain/schemas';
import { AccountModel, PersonModel } from '../models/account';
import { isDuplicateKey } from '../models/errors';
import { OrganizationModel, UserGroupModel } from '../models/organization';
import { listDecider } from '../models/approver-keys';
import { RegistrationModel, storedRegistrationDetails, type RegistrationRecord } from '../models/registration';
import { hashTemporaryPassword, temporaryPassword, type SecretKeys } from '../security/secrets';
import { audit } from './audit';
import * as emails from './emails';
import type { Mailer } from './mailer';

const TEMPORARY_PASSWORD_TTL_MS = 14 * 24 * 60 * 60 * 1000;

/**
 * What `create` inserts, or what an earlier attempt of this activity inserted: the first attempt
 * is one insert; only a duplicate key (the unique `createdByRegistrationId`) reads what is there,
 * a read FerretDB answers by scanning, so it is kept off the common path.
 */
async function createdOnce<T>(create: () => Promise<T>, createdEarlier: () => Promise<T | null>): Promise<T> {
  try {
    return await create();
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    const earlier = await createdEarlier();
    if (earlier === null) throw err;
    return earlier;
  }
}

async function grantFor(registration: RegistrationRecord & { _id: string }, details: RegistrationDetails): Promise<RoleGrant> {
  const createdByRegistrationId = registration._id;
  switch (registration.role) {
    case 'SECURITY_OFFICIAL': {
      const organization = await createdOnce(
        () => OrganizationModel.create({ ...details.organization!, status: 'APPROVED', createdByRegistrationId }),
        () => OrganizationModel.findOne({ createdByRegistrationId }),
      );
      return { role: 'SECURITY_OFFICIAL', organizationId: organization.id };
    }
    case 'USER_GROUP_ADMINISTRATOR': {
      const group = await createdOnce(
        () => UserGroupModel.create({ ...details.userGroup!, organizationId: details.organizationId!, createdByRegistrationId }),
        () => UserGroupModel.findOne({ createdByRegistrationId }),
      );
      return { role: 'USER_GROUP_ADMINISTRATOR', organizationId: details.organizationId, userGroupId: group.id };
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

/**
 * The account this registration creates. The first attempt inserts it (keyed by its new user
 * ID); only a collision looks further: the account an earlier attempt of this activity created
 * (found by the registration, a rare read), or else a user ID that someone else has (next one).
 */
async function accountFor(registration: RegistrationRecord & { _id: string }, grant: RoleGrant) {
  const createdEarlier = () => AccountModel.findOne({ createdByRegistrationId: registration._id });
  if (registration.userId) {
    const recorded = await AccountModel.findById(registration.userId);
    if (recorded) return recorded;
  }
  for (let attempt = 0; ; attempt++) {
    try {
      const userId = candidateUserId(registration.firstName, registration.lastName);
      return await AccountModel.create({
        _id: userId,
        userId,
        email: registration.email,
        firstName: registration.firstName,
        lastName: registration.lastName,
        ssnHash: registration.ssnHash,
        passwordIsTemporary: true,
        roles: [{ ...grant, registrationId: registration._id }],
        createdByRegistrationId: registration._id,
      });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const earlier = await createdEarlier();
      if (earlier) return earlier;
      if (attempt >= 20) throw err;
    }
  }
}

async function sendCredentials(
  account: { _id: string; userId: string; email: string; userIdEmailSentAt?: Date | null; passwordEmailSentAt?: Date | null },
  mailer: Mailer,
  keys: SecretKeys,
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
          passwordHash: hashTemporaryPassword(keys, password),
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
  const account = await AccountModel.findById(userId);
  if (!account) throw new Error(`account ${userId} of registration ${registrationId} is gone`);
  // The grant is the same object on every attempt: $addToSet adds it once, by `_id` alone (a
  // filter on roles.registrationId as well would make FerretDB read the whole collection).
  if (!account.roles.some((r) => r.registrationId === registrationId))
    await AccountModel.updateOne({ _id: account._id }, { $addToSet: { roles: { ...grant, registrationId } } });
  await mailer.sendOnce(`role-added:${registrationId}`, emails.roleAdded(account.email, grant.role));
  return account;
}

export async function provisionAccount(
  registration: HydratedDocument<RegistrationRecord & { _id: string }>,
  mailer: Mailer,
  keys: SecretKeys,
): Promise<{ userId: string }> {
  const details = storedRegistrationDetails(registration);
  if (!details) throw new Error(`registration ${registration._id} has no accepted details to provision from`);
  const grant = await grantFor(registration, details);
  const account = registration.applicantUserId
    ? await addRole(registration.applicantUserId, registration._id, grant, mailer)
    : await accountFor(registration, grant);
  // An approver from now on (an SO, a BSO, a UGA): found under its routing keys.
  await listDecider({ userId: account.userId, roles: [grant] });
  if (!registration.applicantUserId) {
    // One person, one account: later self-registrations of this person are pointed to "add a role".
    if (registration.ssnHash)
      await PersonModel.updateOne({ _id: registration.ssnHash }, { $set: { userId: account.userId } }, { upsert: true });
    await sendCredentials(account, mailer, keys);
  }
  await RegistrationModel.updateOne({ _id: registration._id }, { $set: { userId: account.userId } });
  await audit(`${registration._id}:provisioned`, {
    kind: 'ACCOUNT_PROVISIONED',
    registrationId: registration._id,
    data: { userId: account.userId, role: grant.role },
  });
  return { userId: account.userId };
}
