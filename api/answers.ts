/**
 * The shapes of the API's answers, as zod schemas: the OpenAPI document (api/openapi.ts) is
 * generated from them, and the tests check real answers against that document.
 */
import { z } from 'zod';
import { APPLICATION_ROLES, APPLICATION_ROLE_STATUSES } from '../domain/application-roles';
import { deadlinePolicySchema } from '../domain/approval-deadlines';
import { businessCalendarSchema } from '../domain/business-days';
import { REGISTRATION_ROLES, USER_GROUP_KINDS } from '../domain/roles';
import { accountRoleSchema, applicationRoleRouteSchema } from '../domain/schemas';
import { REGISTRATION_STATUSES } from '../domain/status';
import { applicationRoleViewSchema, registrationViewSchema } from './read-models';

const registrationStatus = z.enum(REGISTRATION_STATUSES);
const applicationRoleStatus = z.enum(APPLICATION_ROLE_STATUSES);
/** Dates travel as ISO 8601 strings. */
const instant = z.string().describe('an ISO 8601 date-time');

export const problemSchema = z
  .looseObject({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    errors: z.array(z.object({ path: z.string().describe('the field, e.g. `identity.ssn` or `query.limit`'), message: z.string() })),
    registrationStatus: registrationStatus.optional(),
    requestStatus: applicationRoleStatus.optional(),
    attemptsLeft: z.number().int().optional(),
    limit: z.number().int().optional(),
    retryAfterSeconds: z.number().int().optional(),
    checks: z.object({ mongodb: z.enum(['up', 'down']), temporal: z.enum(['up', 'down']) }).optional(),
  })
  .describe('RFC 9457 problem details; `errors` names every field refused');

export const registrationStartedSchema = z.object({
  id: z.uuid(),
  applicantToken: z.string().describe('shown once: the bearer token that follows this registration'),
  status: registrationStatus,
});
export { registrationViewSchema };
export const registrationStatusAnswerSchema = z.object({ status: registrationStatus });
export const detailsAnswerSchema = z.object({ status: registrationStatus, reason: z.string().optional() });
export const submittedAnswerSchema = z.object({ status: registrationStatus, trackingNumber: z.string() });

const names = { organization: z.string().optional(), userGroup: z.string().optional() };
export const approvalQueueItemSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('REGISTRATION'),
    id: z.string(),
    trackingNumber: z.string().optional(),
    role: z.enum(REGISTRATION_ROLES),
    applicant: z.object({ name: z.string().optional() }),
    ...names,
    heldBy: z.array(accountRoleSchema),
    submittedAt: instant,
    expiresAt: instant,
  }),
  z.object({
    kind: z.literal('APPLICATION_ROLE'),
    id: z.string(),
    trackingNumber: z.string().optional(),
    role: z.enum(APPLICATION_ROLES),
    applicationId: z.string(),
    application: z.string(),
    ...names,
    requester: z.object({ userId: z.string(), name: z.string().optional() }),
    submittedAt: instant,
    expiresAt: instant,
  }),
]);
export const approvalQueuePageSchema = z
  .array(approvalQueueItemSchema)
  .describe('in the order they reached the queue; `Link: <…>; rel="next"` when there are more');

const applicationSchema = z.object({ id: z.string(), name: z.string() });
export const applicationCatalogAnswerSchema = z.array(applicationSchema);
export const applicationRoleGrantsSchema = z.array(
  z.object({
    role: z.enum(APPLICATION_ROLES),
    applicationId: z.string(),
    application: z.string(),
    userGroupId: z.string(),
    organizationId: z.string(),
  }),
);
export const applicationRoleStartedSchema = z.object({ id: z.uuid(), status: applicationRoleStatus });
export const applicationRoleRequestAnswerSchema = applicationRoleViewSchema.extend({ application: z.string() });
export const applicationRoleStatusAnswerSchema = z.object({ status: applicationRoleStatus });

export const loginAnswerSchema = z.object({
  token: z.string().describe('the session token, sent as `Authorization: Bearer …`'),
  mustChangePassword: z.boolean(),
  mustAnswerQuestions: z.boolean(),
});
export const authenticationQuestionsSchema = z.array(z.object({ id: z.string(), text: z.string() }));
export const roleGrantSchema = z.object({
  role: accountRoleSchema,
  organizationId: z.string().optional(),
  userGroupId: z.string().optional(),
});
export const meSchema = z.object({ userId: z.string(), roles: z.array(roleGrantSchema) });

export const organizationsAnswerSchema = z.array(
  z.object({
    id: z.string(),
    name: z.string(),
    country: z.string(),
    state: z.string(),
    userGroups: z.array(z.object({ id: z.string(), name: z.string(), kind: z.enum(USER_GROUP_KINDS) })),
  }),
);

const base64 = z.string().describe('base64');
export const codecPayloadsSchema = z.object({
  payloads: z.array(z.object({ metadata: z.record(z.string(), base64).optional(), data: base64.optional() })),
});

export const deadlinesAnswerSchema = z.object({ policy: deadlinePolicySchema, calendar: businessCalendarSchema });
export const deadlinePolicyChangedSchema = z.object({
  policy: deadlinePolicySchema,
  appliedTo: z.number().int().describe('undecided requests that took the new policy'),
});

export const deactivationSchema = z.object({
  userId: z.string(),
  rerouted: z.array(z.object({ registrationId: z.string(), heldBy: z.array(accountRoleSchema) })),
  reroutedApplicationRoleRequests: z.array(z.object({ requestId: z.string(), heldBy: applicationRoleRouteSchema.shape.heldBy })),
});

export const healthSchema = z.object({ ok: z.literal(true) });
/** What the process says about itself and what it depends on. */
export const readinessSchema = z.object({
  ok: z.boolean(),
  checks: z.object({ mongodb: z.enum(['up', 'down']), temporal: z.enum(['up', 'down']) }),
});
