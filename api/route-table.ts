/**
 * Every route the API answers, documented: the OpenAPI document (`/openapi.json`) is built from
 * this table, with the same zod schemas the routes validate their input with. A test compares
 * it with the routes the express app really has, so a route added without a line here fails.
 */
import { deadlinePolicySchema } from '../domain/approval-deadlines';
import * as answers from './answers';
import { codecQuerySchema, payloadsSchema } from './codec-routes';

import { json, type RouteDoc } from './route-doc';
import { ACCOUNT_ROUTES } from './route-table-accounts';
import { REQUEST_ROUTES } from './route-table-requests';

export type { Audience, RouteDoc } from './route-doc';

const OPERATIONS_ROUTES: readonly RouteDoc[] = [
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
];

const OPERATOR_ROUTES: readonly RouteDoc[] = [
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

export const ROUTES: readonly RouteDoc[] = [...OPERATIONS_ROUTES, ...REQUEST_ROUTES, ...ACCOUNT_ROUTES, ...OPERATOR_ROUTES];

/** The paths that take a query string; every other route refuses one. */
export const QUERY_PATHS: ReadonlySet<string> = new Set(ROUTES.filter((r) => r.query !== undefined).map((r) => r.path));
