/**
 * Every route the API answers, documented: the OpenAPI document (`/openapi.json`) is built from
 * this table, with the same zod schemas the routes validate their input with. A test compares
 * it with the routes the express app really has, so a route added without a line here fails.
 */
import type { z } from 'zod';
import { applicationRoleRequestIdSchema, applicationRoleRequestSchema } from '../domain/application-roles';
import { deadlinePolicySchema } from '../domain/approval-deadlines';
import {
  decisionSchema,
  detailsSchemaFor,
  emailCodeSchema,
  loginSchema,
  newRegistrationSchema,
  organizationSearchSchema,
  passwordChangeSchema,
  questionAnswersSchema,
  registrationDetailsSchema,
  registrationIdSchema,
  roleRequestSchema,
} from '../domain/schemas';
import { userIdSchema } from './account-admin-routes';
import * as answers from './answers';
import { queuePageSchema } from './approval-routes';
import { codecQuerySchema, payloadsSchema } from './codec-routes';

export type Method = 'get' | 'post' | 'put' | 'delete';

/** Who may call a route: nobody in particular, the applicant's token, or an account session (some roles only). */
export type Audience = 'anyone' | 'applicant or account' | 'account' | 'account (first login)' | 'operator' | 'help desk or operator';

export interface Answer {
  description: string;
  /** JSON body; none for 204. */
  schema?: z.ZodType;
  /** Not JSON: the media type (a page, Prometheus text). */
  mediaType?: string;
  headers?: Record<string, string>;
}

export interface RouteDoc {
  method: Method;
  /** The express path, `:name` for a path parameter. */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  audience: Audience;
  params?: Record<string, z.ZodType>;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** The answers that are not refusals. */
  answers: Record<number, Answer>;
  /** Refusals (problem+json) beyond those every route may give (400, 413, 415, 500). */
  refusals: number[];
  /** Takes an `Idempotency-Key` header (api/idempotency.ts): a repeat gets the first answer. */
  idempotent?: true;
}

const registrationId = { id: registrationIdSchema };
const requestId = { id: applicationRoleRequestIdSchema };
const json = (description: string, schema: z.ZodType): Answer => ({ description, schema });
const noContent: Answer = { description: 'done; no body' };
const FOLLOW_REFUSALS = [401, 403, 404];

export const ROUTES: readonly RouteDoc[] = [
  // Operations
  {
    method: 'get',
    path: '/healthz',
    tag: 'operations',
    summary: 'Liveness: the process answers',
    audience: 'anyone',
    answers: { 200: json('the process is up', answers.healthSchema) },
    refusals: [],
  },
  {
    method: 'get',
    path: '/health',
    tag: 'operations',
    summary: 'The same as /healthz (kept for older probes)',
    audience: 'anyone',
    answers: { 200: json('the process is up', answers.healthSchema) },
    refusals: [],
  },
  {
    method: 'get',
    path: '/readyz',
    tag: 'operations',
    summary: 'Readiness: MongoDB and Temporal answer',
    description: 'Each check has 2 seconds. 503 problem+json with `checks` naming what is down.',
    audience: 'anyone',
    answers: { 200: json('ready', answers.readinessSchema) },
    refusals: [503],
  },
  {
    method: 'get',
    path: '/metrics',
    tag: 'operations',
    summary: 'Prometheus metrics of this process',
    description:
      '`http_request_duration_seconds{method,route,status}`, `iacs_registrations{status,role}`, `iacs_application_role_requests{status,role}`, `iacs_approval_queue_depth`, the process metrics, and the Temporal SDK worker metrics (`temporal_*`) when the worker runs in this process.',
    audience: 'anyone',
    answers: { 200: { description: 'Prometheus text exposition', mediaType: 'text/plain' } },
    refusals: [],
  },
  {
    method: 'get',
    path: '/openapi.json',
    tag: 'operations',
    summary: 'This document (OpenAPI 3.1)',
    audience: 'anyone',
    answers: { 200: { description: 'the OpenAPI document', mediaType: 'application/json' } },
    refusals: [],
  },
  {
    method: 'get',
    path: '/docs',
    tag: 'operations',
    summary: 'An interactive page for this document (served from local assets)',
    audience: 'anyone',
    answers: { 200: { description: 'an HTML page', mediaType: 'text/html' } },
    refusals: [],
  },

  // The applicant
  {
    method: 'post',
    path: '/registrations',
    idempotent: true,
    tag: 'registrations',
    summary: 'Start a self-registration',
    description:
      'Identity validation with SSA starts at once; the email code follows. One person, one account: an SSN that already has an account, or a registration in progress, is 409 naming `identity.ssn`.',
    audience: 'anyone',
    body: newRegistrationSchema,
    answers: {
      202: {
        ...json('started; follow it with the applicant token', answers.registrationStartedSchema),
        headers: { location: 'the registration' },
      },
    },
    refusals: [409, 429],
  },
  {
    method: 'post',
    path: '/me/role-requests',
    idempotent: true,
    tag: 'registrations',
    summary: 'An account asks for another role',
    description: 'Skips identity validation and email verification; the request starts at `AWAITING_DETAILS`.',
    audience: 'account',
    body: roleRequestSchema,
    answers: { 202: { ...json('started', answers.registrationStartedSchema), headers: { location: 'the registration' } } },
    refusals: [401, 403],
  },
  {
    method: 'get',
    path: '/registrations/:id',
    tag: 'registrations',
    summary: "A registration's status",
    audience: 'applicant or account',
    params: registrationId,
    answers: { 200: json('the public view', answers.registrationViewSchema) },
    refusals: FOLLOW_REFUSALS,
  },
  {
    method: 'post',
    path: '/registrations/:id/email-verification',
    tag: 'registrations',
    summary: 'Confirm the email address with the emailed code',
    description: '422 with `attemptsLeft` for a wrong code; 410 once the code has expired.',
    audience: 'applicant or account',
    params: registrationId,
    body: emailCodeSchema,
    answers: { 200: json('verified', answers.registrationStatusAnswerSchema) },
    refusals: [...FOLLOW_REFUSALS, 409, 410, 422, 429],
  },
  {
    method: 'post',
    path: '/registrations/:id/email-verification/resend',
    tag: 'registrations',
    summary: 'Send a new email code (at most 3 times)',
    audience: 'applicant or account',
    params: registrationId,
    answers: { 202: json('a new code is on its way', answers.registrationStatusAnswerSchema) },
    refusals: [...FOLLOW_REFUSALS, 409, 429],
  },
  {
    method: 'put',
    path: '/registrations/:id/details',
    tag: 'registrations',
    summary: 'Professional details (contact, organization, user group, justification)',
    description:
      'Which of `organizationId`, `organization`, `userGroupId`, `userGroup` are required or refused depends on the role (`DETAILS_FIELDS_BY_ROLE`). A person asking for another role who already has a request in progress for that role at that place gets 409 naming `role`.',
    audience: 'applicant or account',
    params: registrationId,
    body: detailsSchemaFor('INDIVIDUAL_PRACTITIONER'),
    answers: { 200: json('recorded', answers.detailsAnswerSchema) },
    refusals: [...FOLLOW_REFUSALS, 409, 422],
  },
  {
    method: 'get',
    path: '/registrations/:id/details',
    tag: 'registrations',
    summary: 'The details last accepted, for the review before submitting',
    description: '404 until details have been given.',
    audience: 'applicant or account',
    params: registrationId,
    answers: { 200: json('the details', registrationDetailsSchema) },
    refusals: FOLLOW_REFUSALS,
  },
  {
    method: 'post',
    path: '/registrations/:id/submit',
    tag: 'registrations',
    summary: 'Submit for approval; the tracking number is issued',
    audience: 'applicant or account',
    params: registrationId,
    answers: { 200: json('submitted', answers.submittedAnswerSchema) },
    refusals: [...FOLLOW_REFUSALS, 409],
  },
  {
    method: 'post',
    path: '/registrations/:id/cancel',
    tag: 'registrations',
    summary: 'Cancel the registration',
    audience: 'applicant or account',
    params: registrationId,
    answers: { 200: json('cancelled', answers.registrationStatusAnswerSchema) },
    refusals: [...FOLLOW_REFUSALS, 409],
  },

  // Approvers
  {
    method: 'get',
    path: '/approvals',
    tag: 'approvals',
    summary: 'The requests routed to the caller, oldest first, one page',
    audience: 'account',
    query: queuePageSchema,
    answers: {
      200: {
        ...json('one page (at most 50)', answers.approvalQueuePageSchema),
        headers: { link: '`<…>; rel="next"` when there are more' },
      },
    },
    refusals: [401, 403],
  },
  {
    method: 'post',
    path: '/registrations/:id/decision',
    idempotent: true,
    tag: 'approvals',
    summary: 'Approve or deny a registration routed to the caller',
    audience: 'account',
    params: registrationId,
    body: decisionSchema,
    answers: { 200: json('decided', answers.registrationStatusAnswerSchema) },
    refusals: [401, 403, 404, 409],
  },

  // Application roles
  {
    method: 'get',
    path: '/applications',
    tag: 'application roles',
    summary: 'The CMS application catalog',
    audience: 'account',
    answers: { 200: json('the catalog', answers.applicationCatalogAnswerSchema) },
    refusals: [401, 403],
  },
  {
    method: 'get',
    path: '/me/application-roles',
    tag: 'application roles',
    summary: 'The application roles the caller holds',
    audience: 'account',
    answers: { 200: json('the roles granted', answers.applicationRoleGrantsSchema) },
    refusals: [401, 403],
  },
  {
    method: 'post',
    path: '/me/application-roles',
    idempotent: true,
    tag: 'application roles',
    summary: 'Ask for a role in one application for one of the caller’s user groups',
    audience: 'account',
    body: applicationRoleRequestSchema,
    answers: { 202: { ...json('started', answers.applicationRoleStartedSchema), headers: { location: 'the request' } } },
    refusals: [401, 403, 409, 422],
  },
  {
    method: 'get',
    path: '/application-role-requests/:id',
    tag: 'application roles',
    summary: 'An application-role request (to its requester and its approvers)',
    audience: 'account',
    params: requestId,
    answers: { 200: json('the request', answers.applicationRoleRequestAnswerSchema) },
    refusals: [401, 403, 404],
  },
  {
    method: 'post',
    path: '/application-role-requests/:id/decision',
    idempotent: true,
    tag: 'application roles',
    summary: 'Approve or deny an application-role request',
    audience: 'account',
    params: requestId,
    body: decisionSchema,
    answers: { 200: json('decided', answers.applicationRoleStatusAnswerSchema) },
    refusals: [401, 403, 404, 409],
  },
  {
    method: 'post',
    path: '/application-role-requests/:id/cancel',
    tag: 'application roles',
    summary: 'The requester cancels',
    audience: 'account',
    params: requestId,
    answers: { 200: json('cancelled', answers.applicationRoleStatusAnswerSchema) },
    refusals: [401, 403, 404, 409],
  },

  // Accounts
  {
    method: 'post',
    path: '/auth/login',
    tag: 'accounts',
    summary: 'Log in with a user ID and password',
    audience: 'anyone',
    body: loginSchema,
    answers: { 200: json('a session', answers.loginAnswerSchema) },
    refusals: [401, 429],
  },
  {
    method: 'post',
    path: '/auth/logout',
    tag: 'accounts',
    summary: 'End the session',
    audience: 'account (first login)',
    answers: { 204: noContent },
    refusals: [401],
  },
  {
    method: 'post',
    path: '/auth/password',
    tag: 'accounts',
    summary: 'Change the password (the temporary one at the first login)',
    audience: 'account (first login)',
    body: passwordChangeSchema,
    answers: { 204: noContent },
    refusals: [401, 403, 422],
  },
  {
    method: 'get',
    path: '/auth/questions',
    tag: 'accounts',
    summary: 'The authentication questions',
    audience: 'account (first login)',
    answers: { 200: json('the questions', answers.authenticationQuestionsSchema) },
    refusals: [401],
  },
  {
    method: 'put',
    path: '/me/authentication-questions',
    tag: 'accounts',
    summary: 'Answer at least two authentication questions',
    audience: 'account (first login)',
    body: questionAnswersSchema,
    answers: { 204: noContent },
    refusals: [401, 403, 409, 422],
  },
  {
    method: 'get',
    path: '/me',
    tag: 'accounts',
    summary: 'Who the caller is',
    audience: 'account',
    answers: { 200: json('the account', answers.meSchema) },
    refusals: [401, 403],
  },
  {
    method: 'get',
    path: '/organizations',
    tag: 'accounts',
    summary: 'Search approved organizations (and their user groups)',
    audience: 'anyone',
    query: organizationSearchSchema,
    answers: { 200: json('at most 50, by name', answers.organizationsAnswerSchema) },
    refusals: [],
  },
  {
    method: 'post',
    path: '/accounts/:userId/deactivate',
    tag: 'accounts',
    summary: 'Deactivate an account; what waited on it moves to the next approvers',
    audience: 'help desk or operator',
    params: { userId: userIdSchema },
    answers: { 200: json('deactivated; the requests that moved', answers.deactivationSchema) },
    refusals: [401, 403, 404, 409],
  },

  // Operators
  {
    method: 'post',
    path: '/codec/decode',
    tag: 'operators',
    summary: 'Temporal remote codec: decode payloads (operators only)',
    audience: 'operator',
    query: codecQuerySchema,
    body: payloadsSchema,
    answers: { 200: json('the payloads decoded', answers.codecPayloadsSchema) },
    refusals: [401, 403, 422],
  },
  {
    method: 'post',
    path: '/codec/encode',
    tag: 'operators',
    summary: 'Temporal remote codec: encode payloads (operators only)',
    audience: 'operator',
    query: codecQuerySchema,
    body: payloadsSchema,
    answers: { 200: json('the payloads sealed', answers.codecPayloadsSchema) },
    refusals: [401, 403],
  },
  {
    method: 'get',
    path: '/admin/deadline-policy',
    tag: 'operators',
    summary: 'The approval-deadline policy in force',
    audience: 'operator',
    answers: { 200: json('the policy and its calendar', answers.deadlinesAnswerSchema) },
    refusals: [401, 403],
  },
  {
    method: 'put',
    path: '/admin/deadline-policy',
    tag: 'operators',
    summary: 'Change the approval-deadline policy for new and undecided requests',
    audience: 'operator',
    body: deadlinePolicySchema,
    answers: { 200: json('changed', answers.deadlinePolicyChangedSchema) },
    refusals: [401, 403],
  },
];

/** The paths that take a query string; every other route refuses one. */
export const QUERY_PATHS: ReadonlySet<string> = new Set(ROUTES.filter((r) => r.query !== undefined).map((r) => r.path));
