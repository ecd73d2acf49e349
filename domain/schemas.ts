/**
 * The one schema library (zod) for everything that crosses an edge: HTTP bodies, and the
 * shapes the workflow accepts. Secrets are typed here but never echoed anywhere.
 */
import { z } from 'zod';
import type { ApplicationRoleRoute } from './approval-routing';
import { COMMUNITIES, PROVIDER_TYPES, REGISTRATION_ROLES, USER_GROUP_KINDS, type RegistrationRole } from './roles';
import { text, TEXT_LIMITS } from './text';

// Every text limit counts code points (domain/text.ts), the one measure shared with the tests.
const name = text(TEXT_LIMITS.name);
const state = text(TEXT_LIMITS.state, { min: 2 });
const isoDate = z.iso.date('must be a date YYYY-MM-DD');
// Enums name their choice in words: the console shows these messages next to the field.
const community = z.enum(COMMUNITIES, 'must be one of the user communities');
const registrationRole = z.enum(REGISTRATION_ROLES, 'must be one of the registration roles');
const objectId = z.string().regex(/^[a-f0-9]{24}$/, 'must be an identifier returned by the API');

export const identitySchema = z.strictObject({
  firstName: name,
  lastName: name,
  dateOfBirth: isoDate.refine((d) => d < new Date().toISOString().slice(0, 10) && d >= '1900-01-01', 'must be a past date after 1900'),
  ssn: z.string().regex(/^\d{3}-\d{2}-\d{4}$/, 'must look like NNN-NN-NNNN'),
});
export type Identity = z.infer<typeof identitySchema>;

export const newRegistrationSchema = z.strictObject({
  community,
  role: registrationRole,
  acceptedTerms: z.strictObject({
    privacyAct: z.literal(true, 'the Privacy Act terms must be accepted'),
    role: z.literal(true, "the role's terms must be accepted"),
  }),
  identity: identitySchema,
  email: z.email('must be an email address').max(TEXT_LIMITS.email),
});

/** A person with an account asks for another role: the role's terms again, no identity, no email. */
export const roleRequestSchema = z.strictObject({
  community,
  role: registrationRole,
  acceptedTerms: z.strictObject({ role: z.literal(true, "the role's terms must be accepted") }),
});

export const emailCodeSchema = z.strictObject({ code: z.string().regex(/^\d{6}$/, 'must be the 6-digit code from the email') });

const addressSchema = z.strictObject({
  line1: name,
  line2: text(TEXT_LIMITS.name, { min: 0 }).optional(),
  city: name,
  state,
  postalCode: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9 -]{3,10}$/, 'must be a postal code'),
  country: z.string().trim().length(2, 'must be a 2-letter country code').toUpperCase(),
});

const newOrganizationSchema = z.strictObject({
  name: text(TEXT_LIMITS.organizationName),
  country: z.string().trim().length(2, 'must be a 2-letter country code').toUpperCase(),
  state,
  providerType: z.enum(PROVIDER_TYPES, 'must be one of the provider types'),
});

const newUserGroupSchema = z.strictObject({
  name: text(TEXT_LIMITS.organizationName),
  kind: z.enum(USER_GROUP_KINDS, 'must be one of the user group kinds'),
});

const detailsShape = z.strictObject({
  contact: z.strictObject({
    phone: z
      .string()
      .trim()
      .regex(/^\+?[0-9 ().-]{7,20}$/, 'must be a phone number'),
    address: addressSchema,
  }),
  organizationId: objectId.optional(),
  organization: newOrganizationSchema.optional(),
  userGroupId: objectId.optional(),
  userGroup: newUserGroupSchema.optional(),
  justification: text(TEXT_LIMITS.justification),
});
export type RegistrationDetails = z.infer<typeof detailsShape>;

/** What the details step settled: accepted details (with resolved ids), or a rule refusal. */
export type DetailsVerdict = { outcome: 'ACCEPTED'; details: RegistrationDetails } | { outcome: 'REFUSED'; reason: string };
/** The details of any role, as stored and shown back to the applicant (the role's rules are `detailsSchemaFor`). */
export const registrationDetailsSchema = detailsShape;

type DetailsField = 'organizationId' | 'organization' | 'userGroupId' | 'userGroup';
/** Which organization/group fields each role supplies (shared/API.md), and which it must not. */
export const DETAILS_FIELDS_BY_ROLE: Record<RegistrationRole, { required: DetailsField[]; optional: DetailsField[] }> = {
  SECURITY_OFFICIAL: { required: ['organization'], optional: [] },
  BACKUP_SECURITY_OFFICIAL: { required: ['organizationId'], optional: [] },
  USER_GROUP_ADMINISTRATOR: { required: ['organizationId', 'userGroup'], optional: [] },
  END_USER: { required: ['organizationId', 'userGroupId'], optional: [] },
  INDIVIDUAL_PRACTITIONER: { required: [], optional: ['organizationId'] },
  REGISTRY_END_USER: { required: ['organizationId', 'userGroupId'], optional: [] },
};

export function detailsSchemaFor(role: RegistrationRole) {
  const { required, optional } = DETAILS_FIELDS_BY_ROLE[role];
  return detailsShape.superRefine((details, ctx) => {
    for (const field of ['organizationId', 'organization', 'userGroupId', 'userGroup'] as const) {
      const present = details[field] !== undefined;
      if (required.includes(field) && !present) ctx.addIssue({ code: 'custom', path: [field], message: `is required for ${role}` });
      if (!required.includes(field) && !optional.includes(field) && present)
        ctx.addIssue({ code: 'custom', path: [field], message: `is not accepted for ${role}` });
    }
  });
}

export const decisionSchema = z
  .strictObject({ decision: z.enum(['APPROVE', 'DENY']), reason: text(TEXT_LIMITS.reason).optional() })
  .refine((d) => d.decision === 'APPROVE' || d.reason !== undefined, { path: ['reason'], message: 'is required to deny' });
export type Decision = z.infer<typeof decisionSchema>;

const password = text(TEXT_LIMITS.password, { trim: false });
export const loginSchema = z.strictObject({ userId: text(TEXT_LIMITS.userId), password });
export const passwordChangeSchema = z.strictObject({
  currentPassword: password,
  newPassword: password,
});
export const questionAnswersSchema = z.strictObject({
  answers: z
    .array(
      z.strictObject({
        questionId: text(TEXT_LIMITS.questionId, { trim: false }),
        answer: text(TEXT_LIMITS.answer, { min: 2, tooShort: 'is too short' }),
      }),
    )
    .min(2, 'answer at least two questions')
    .max(10)
    .refine((a) => new Set(a.map((x) => x.questionId)).size === a.length, 'each question may be answered once'),
});
/** Step 7 of the guides: the search asks at least part of the organization's name, its country and its state. */
const required = (what: string) => ({
  error: (issue: { input: unknown }) => (issue.input === undefined ? `is required (${what})` : 'must be text'),
});
export const organizationSearchSchema = z.strictObject({
  name: z
    .string(required('at least part of the name'))
    .pipe(text(TEXT_LIMITS.organizationName, { tooShort: 'is required (at least part of the name)' })),
  country: z.string(required('two letters, e.g. US')).trim().length(2, 'must be two letters, e.g. US').toUpperCase(),
  state: z.string(required('e.g. MD')).pipe(state),
});
export const registrationIdSchema = z.uuid('must be a registration id');

export interface FieldError {
  path: string;
  message: string;
}
export function fieldErrors(error: z.ZodError, prefix = ''): FieldError[] {
  return error.issues.map((i) => ({ path: [prefix, ...i.path.map(String)].filter(Boolean).join('.') || '(body)', message: i.message }));
}

/** Any role an account may hold (Table 1 roles and the configured ones). */
export const accountRoleSchema = z.enum([...REGISTRATION_ROLES, 'HELP_DESK', 'OPERATOR']);

/** A stored approver selector (domain/approval-routing.ts), Table 1 and Table 2 kinds. */
export const approverSelectorSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('HELP_DESK') }),
  z.object({ kind: z.literal('ORGANIZATION_ROLE'), roles: z.array(accountRoleSchema), organizationId: z.string() }),
  z.object({ kind: z.literal('USER_GROUP_ROLE'), roles: z.array(accountRoleSchema), userGroupId: z.string() }),
  z.object({ kind: z.literal('APPLICATION_APPROVER'), applicationId: z.string(), userGroupId: z.string() }),
]);

/** A stored application-role route. */
export const applicationRoleRouteSchema = z.object({
  heldBy: z.array(z.enum(['SECURITY_OFFICIAL', 'BACKUP_SECURITY_OFFICIAL', 'APPLICATION_APPROVER', 'HELP_DESK'])),
  approvers: z.array(approverSelectorSchema),
}) satisfies z.ZodType<ApplicationRoleRoute>;
