import { Schema, model, type InferSchemaType } from 'mongoose';
import { APPLICATION_ROLES } from '../domain/application-roles';
import { ACCOUNT_ROLES, type RoleGrant } from '../domain/roles';

const roleGrantSchema = new Schema(
  {
    role: { type: String, enum: ACCOUNT_ROLES, required: true },
    organizationId: { type: String },
    userGroupId: { type: String },
    registrationId: { type: String },
  },
  { _id: false },
);

/** A role in one CMS application for one user group (Table 2), added when its request is approved. */
const applicationRoleGrantSchema = new Schema(
  {
    role: { type: String, enum: APPLICATION_ROLES, required: true },
    applicationId: { type: String, required: true },
    userGroupId: { type: String, required: true },
    organizationId: { type: String, required: true },
    /** The request that granted it: makes granting idempotent. */
    requestId: { type: String, required: true },
    grantedAt: { type: Date, required: true },
  },
  { _id: false },
);

/** A person's one account for life; roles are added to it. Passwords and answers only as argon2id hashes (older ones scrypt; a temporary password a keyed hash). */
const accountSchema = new Schema(
  {
    /** The user ID: an account is read by `_id`, which every MongoDB-wire database serves from its index. */
    _id: {
      type: String,
      required: true,
      default: function (this: { userId?: string }) {
        return this.userId;
      },
    },
    userId: { type: String, required: true, unique: true },
    email: { type: String, required: true },
    firstName: { type: String, required: true },
    lastName: { type: String, required: true },
    ssnHash: { type: String, index: true },
    passwordHash: { type: String },
    passwordIsTemporary: { type: Boolean, required: true, default: true },
    temporaryPasswordExpiresAt: { type: Date },
    previousPasswordHashes: { type: [String], default: [] },
    authenticationAnswers: [{ _id: false, questionId: { type: String, required: true }, answerHash: { type: String, required: true } }],
    roles: { type: [roleGrantSchema], default: [] },
    applicationRoles: { type: [applicationRoleGrantSchema], default: [] },
    failedLogins: { type: Number, default: 0 },
    /** Set when the account is deactivated: it can no longer log in or decide, and its waiting requests move on. */
    deactivatedAt: { type: Date },
    lockedUntil: { type: Date },
    /** The registration that created the account: makes provisioning idempotent. */
    createdByRegistrationId: { type: String, unique: true, sparse: true },
    userIdEmailSentAt: { type: Date },
    passwordEmailSentAt: { type: Date },
  },
  { timestamps: true },
);
export const AccountModel = model('Account', accountSchema);

type StoredRoleGrant = InferSchemaType<typeof roleGrantSchema>;

/** An account's role grants as the domain reads them (MongoDB's absent fields may come back as null). */
export function roleGrantsOf(account: { roles: readonly StoredRoleGrant[] }): RoleGrant[] {
  return account.roles.map((grant) => ({
    role: grant.role,
    ...(grant.organizationId != null && { organizationId: grant.organizationId }),
    ...(grant.userGroupId != null && { userGroupId: grant.userGroupId }),
  }));
}

/** A server-side session; `_id` is the keyed hash of its token, so a bearer request reads it by `_id`. */
const sessionSchema = new Schema({
  _id: { type: String, required: true },
  userId: { type: String, required: true, index: true },
  expiresAt: { type: Date, required: true },
});
export const SessionModel = model('Session', sessionSchema);

/**
 * A person who has an account, by the keyed hash of their SSN (`_id`): "one person, one
 * account" is checked with one read by `_id`. Written when the account is provisioned.
 */
const personSchema = new Schema(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true },
  },
  { collection: 'people', versionKey: false },
);
export const PersonModel = model('Person', personSchema);
