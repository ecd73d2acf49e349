import { Schema, model, type InferSchemaType } from 'mongoose';
import { z } from 'zod';
import type { ApprovalRoute, ApproverSelector } from '../domain/approval-routing';
import { REGISTRATION_ROLES } from '../domain/roles';
import { accountRoleSchema, approverSelectorSchema, registrationDetailsSchema, type RegistrationDetails } from '../domain/schemas';
import { REGISTRATION_STATUSES } from '../domain/status';

const statusChangeSchema = new Schema({ status: { type: String, required: true }, at: { type: String, required: true } }, { _id: false });

/**
 * The public view (`GET /registrations/:id`) as workers wrote it into the registration before
 * views had a record of their own (./registration-view.ts): read only for a registration that
 * has no view record yet, never written.
 */
const registrationViewSchema = new Schema(
  {
    id: { type: String, required: true },
    role: { type: String, enum: REGISTRATION_ROLES, required: true },
    status: { type: String, enum: REGISTRATION_STATUSES, required: true },
    trackingNumber: String,
    emailCodeExpiresAt: String,
    emailCodeAttemptsLeft: Number,
    emailCodeResendsLeft: Number,
    reason: String,
    heldBy: { type: [String], default: undefined },
    dueAt: String,
    nextDeadline: { type: String, enum: ['REMIND', 'ESCALATE', 'EXPIRE'] },
    expiresAt: String,
    history: { type: [statusChangeSchema], required: true },
  },
  { _id: false },
);

/** A registration request as stored: identity secrets only hashed or encrypted (security/secrets). */
const registrationSchema = new Schema(
  {
    _id: { type: String, required: true },
    role: { type: String, enum: REGISTRATION_ROLES, required: true },
    community: { type: String, required: true },
    email: { type: String, required: true },
    firstName: { type: String, required: true },
    lastName: { type: String, required: true },
    ssnHash: { type: String, index: true },
    ssnLast4: { type: String },
    dateOfBirthEncrypted: { type: String },
    /** Set when a person who has an account asks for another role. */
    applicantUserId: { type: String, index: true },
    applicantTokenHash: { type: String, required: true },
    status: { type: String, enum: REGISTRATION_STATUSES, required: true },
    history: [statusChangeSchema],
    /** Written by the workflow at every change, before the message that caused it is answered. */
    view: { type: registrationViewSchema },
    details: { type: Schema.Types.Mixed },
    organizationName: { type: String },
    userGroupName: { type: String },
    trackingNumber: { type: String, index: { unique: true, sparse: true } },
    route: { type: Schema.Types.Mixed },
    submittedAt: { type: Date },
    reason: { type: String },
    decidedBy: { type: String },
    userId: { type: String },
  },
  { timestamps: true, minimize: false },
);

export type RegistrationRecord = InferSchemaType<typeof registrationSchema>;
export const RegistrationModel = model('Registration', registrationSchema);

// `details` and `route` are stored as the workflow gave them (JSON: typed sub-schemas would not
// hold a route's union of selectors); they are read back only through these two readers.
const storedRouteSchema = z.object({ heldBy: z.array(accountRoleSchema), approvers: z.array(approverSelectorSchema) });
const isTable1Selector = (s: z.infer<typeof approverSelectorSchema>): s is ApproverSelector => s.kind !== 'APPLICATION_APPROVER';

/** The route a registration was given when submitted (Table 1); undefined before, or if the stored one is malformed. */
export function storedRegistrationRoute(record: { route?: unknown }): ApprovalRoute | undefined {
  const parsed = storedRouteSchema.safeParse(record.route);
  return parsed.success ? { heldBy: parsed.data.heldBy, approvers: parsed.data.approvers.filter(isTable1Selector) } : undefined;
}

/** The details the workflow last accepted; undefined before any, or if the stored ones are malformed. */
export function storedRegistrationDetails(record: { details?: unknown }): RegistrationDetails | undefined {
  const parsed = registrationDetailsSchema.safeParse(record.details);
  return parsed.success ? parsed.data : undefined;
}

/** One emailed verification code, only as a keyed hash; `_id` is `<registrationId>:<number>`. */
const emailCodeSchema = new Schema({
  _id: { type: String, required: true },
  registrationId: { type: String, required: true, index: true },
  number: { type: Number, required: true },
  codeHash: { type: String, required: true },
  issuedAt: { type: Date, required: true },
  sentAt: { type: Date },
});
export const EmailCodeModel = model('EmailCode', emailCodeSchema);
