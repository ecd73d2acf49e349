/**
 * The authorization matrix: every route of the API against every kind of caller, on real
 * servers. The expected answer of each cell is read from `domain/access-policy.ts` (the action
 * each route is guarded by, see api/*-routes.ts) plus the rules
 * that sit outside the policy table:
 *
 * - a malformed Authorization header is refused with 401 before the policy is asked
 *   (api/bearer.ts), even on routes open to anyone;
 * - `registration:decide` admits any ready account, and the workflow then admits only the
 *   approvers routed to the request (domain/approval-routing.ts): everyone else gets 403.
 * - the application-role routes (Table 2) do the same: `application-role:request` admits members
 *   of a user group and the route only members of the group asked for; `application-role:follow`,
 *   `:decide` and `:cancel` admit any ready account, then only the requester and/or the routed
 *   approvers of the request in the path.
 *
 * "allowed" means neither 401 nor 403 (nor a 5xx): the route may still refuse the body or the
 * registration's status (400/404/409/422), which is not what this file tests. Bodies are valid
 * enough that authorization is what decides.
 *
 * Fixtures are built once, through the API: organizations Alpha and Beta with their Security
 * Officials, a UGA and an End User in Alpha, an End User still at first login, a UGA request
 * awaiting the Alpha SO's decision, two applicants, and two application-role requests of the
 * End User awaiting Alpha's SO/BSO (one to decide, one to cancel).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import type { LocalStack } from '../../local-stack';
import type { SsaIdentity } from '../../simulators/ssa-fixtures';
import { workflowIdFor } from '../../workflows/messages';
import { ApiClient, contact, Journey, rawRequest, registrationBody, type RawAnswer, type Started } from '../support/api-client';
import { startTestStack } from '../support/stack';

const PRINCIPALS = [
  'anonymous',
  'malformedHeader',
  'unknownToken',
  'applicant',
  'otherApplicant',
  'firstLogin',
  'endUser',
  'securityOfficial',
  'otherSecurityOfficial',
  'userGroupAdministrator',
  'helpDesk',
  'operator',
] as const;
type Principal = (typeof PRINCIPALS)[number];

const ACCOUNT_PRINCIPALS = [
  'firstLogin',
  'endUser',
  'securityOfficial',
  'otherSecurityOfficial',
  'userGroupAdministrator',
  'helpDesk',
  'operator',
] as const;
type AccountPrincipal = (typeof ACCOUNT_PRINCIPALS)[number];
const isAccount = (p: Principal): p is AccountPrincipal => (ACCOUNT_PRINCIPALS as readonly string[]).includes(p);

/** The guard in front of each route (api/*.ts): a policy action, or none at all. */
type Guard =
  | 'registration:start'
  | 'organization:search'
  | 'session:start'
  | 'registration:follow'
  | 'account:first-login'
  | 'account:use'
  | 'approval:list'
  | 'registration:decide'
  | 'payload:decode'
  | 'application-role:request'
  | 'application-role:follow'
  | 'application-role:decide'
  | 'application-role:cancel'
  | 'registration:request-role'
  | 'deadline-policy:change'
  | 'account:deactivate'
  | 'unguarded';

type Expected = 401 | 403 | 'allowed';

/** What the policy (and the routing of decisions) implies for one caller on one guard. */
function expectedFor(guard: Guard, p: Principal): Expected {
  if (guard === 'unguarded') return 'allowed';
  // api/bearer.ts: a malformed Authorization header is a 401 wherever the guard runs.
  if (p === 'malformedHeader') return 401;
  switch (guard) {
    case 'registration:start':
    case 'organization:search':
    case 'session:start':
      return 'allowed';
    case 'registration:follow':
      if (p === 'applicant') return 'allowed';
      return isAccount(p) ? 403 : 401;
    case 'account:first-login':
      return isAccount(p) ? 'allowed' : 401;
    case 'account:use':
    case 'approval:list':
      if (!isAccount(p)) return 401;
      return p === 'firstLogin' ? 403 : 'allowed';
    case 'registration:decide':
      // The decision target is a UGA request of organization Alpha: routed to Alpha's SO/BSO only.
      if (!isAccount(p)) return 401;
      return p === 'securityOfficial' ? 'allowed' : 403;
    case 'payload:decode':
      if (!isAccount(p)) return 401;
      return p === 'operator' ? 'allowed' : 403;
    // Table 2. The requests in the path are the End User's (group Alpha Billing), routed to Alpha's SO/BSO.
    case 'application-role:request':
      // Members of a user group only: the UGA and the End User of Alpha Billing.
      if (!isAccount(p)) return 401;
      return p === 'endUser' || p === 'userGroupAdministrator' ? 'allowed' : 403;
    case 'application-role:follow':
      if (!isAccount(p)) return 401;
      return p === 'endUser' || p === 'securityOfficial' ? 'allowed' : 403;
    case 'application-role:decide':
      if (!isAccount(p)) return 401;
      return p === 'securityOfficial' ? 'allowed' : 403;
    case 'application-role:cancel':
      if (!isAccount(p)) return 401;
      return p === 'endUser' ? 'allowed' : 403;
    case 'registration:request-role':
      if (!isAccount(p)) return 401;
      return p === 'firstLogin' ? 403 : 'allowed';
    case 'deadline-policy:change':
      if (!isAccount(p)) return 401;
      return p === 'operator' ? 'allowed' : 403;
    case 'account:deactivate':
      if (!isAccount(p)) return 401;
      return p === 'helpDesk' || p === 'operator' ? 'allowed' : 403;
  }
}

/** Cells that change the resource in the path run last in their route (after every refusal). */
const LAST_CELL: Partial<Record<Guard, Principal>> = {
  'registration:decide': 'securityOfficial',
  'application-role:decide': 'securityOfficial',
  'application-role:cancel': 'endUser',
};

interface Fixtures {
  subject: Started;
  other: Started;
  decisionTarget: Started;
  organizationId: string;
  tokens: Record<AccountPrincipal, string>;
  /** A second session of each account, for the logout cells (logging out ends the session). */
  spareTokens: Record<AccountPrincipal, string>;
  /** The input payloads of the subject's WorkflowExecutionStarted event, as stored (sealed), in codec-server JSON. */
  startedPayloads: { metadata: Record<string, string>; data: string }[];
  subjectIdentity: SsaIdentity;
  /** Alpha Billing, the End User's and the UGA's group. */
  userGroupId: string;
  /** The End User's request to be PECOS Approver of Alpha Billing, routed to Alpha's SO/BSO: decided in the matrix. */
  applicationRoleTarget: string;
  /** The End User's request to be a HETS User of Alpha Billing, routed to Alpha's SO/BSO: cancelled in the matrix. */
  applicationRoleToCancel: string;
}

interface RouteSpec {
  method: string;
  /** As written in the route files. */
  template: string;
  guard: Guard;
  path: (f: Fixtures) => string;
  /** The registration in the path, whose applicant the `applicant` principal is. */
  registration?: (f: Fixtures) => Started;
  body?: (f: Fixtures, p: Principal) => unknown;
  /** Extra checks on an allowed answer. */
  allowed?: (answer: RawAnswer, f: Fixtures) => void | Promise<void>;
}

const b64 = (s: string) => Buffer.from(s).toString('base64');
const NO_MATCH_IDENTITY: SsaIdentity = { firstName: 'Avery', lastName: 'Testwell', dateOfBirth: '1980-01-16', ssn: '999-99-9999' };
/** A person SSA does not match, one per caller: one person has one registration in progress at a time. */
const noMatchPerson = (caller: string): SsaIdentity => {
  const n = [...caller].reduce((sum, c) => (sum * 31 + c.charCodeAt(0)) % 10_000, 0);
  return { ...NO_MATCH_IDENTITY, ssn: `999-98-${String(n).padStart(4, '0')}` };
};

const ROUTES: RouteSpec[] = [
  { method: 'GET', template: '/health', guard: 'unguarded', path: () => '/health' },
  {
    method: 'POST',
    template: '/registrations',
    guard: 'registration:start',
    path: () => '/registrations',
    // A valid request whose identity SSA does not match: 202, and the workflow ends at once (IDENTITY_REJECTED).
    body: (_f, p) => ({
      ...registrationBody('INDIVIDUAL_PRACTITIONER', noMatchPerson(p), `matrix-start-${p.toLowerCase()}@example.test`),
    }),
    allowed: (a) => expect(a.status).toBe(202),
  },
  {
    method: 'GET',
    template: '/registrations/:id',
    guard: 'registration:follow',
    path: (f) => `/registrations/${f.subject.id}`,
    registration: (f) => f.subject,
    allowed: (a) => expect(a.status).toBe(200),
  },
  {
    method: 'POST',
    template: '/registrations/:id/email-verification',
    guard: 'registration:follow',
    path: (f) => `/registrations/${f.subject.id}/email-verification`,
    registration: (f) => f.subject,
    body: () => ({ code: '000000' }),
  },
  {
    method: 'POST',
    template: '/registrations/:id/email-verification/resend',
    guard: 'registration:follow',
    path: (f) => `/registrations/${f.subject.id}/email-verification/resend`,
    registration: (f) => f.subject,
  },
  {
    method: 'PUT',
    template: '/registrations/:id/details',
    guard: 'registration:follow',
    path: (f) => `/registrations/${f.subject.id}/details`,
    registration: (f) => f.subject,
    body: () => ({ contact, justification: 'I bill Medicare for my own practice.' }),
    allowed: (a) => expect(a.status).toBe(200),
  },
  {
    method: 'POST',
    template: '/registrations/:id/submit',
    guard: 'registration:follow',
    path: (f) => `/registrations/${f.subject.id}/submit`,
    registration: (f) => f.subject,
    allowed: (a) => expect(a.status).toBe(200),
  },
  {
    method: 'POST',
    template: '/registrations/:id/cancel',
    guard: 'registration:follow',
    path: (f) => `/registrations/${f.subject.id}/cancel`,
    registration: (f) => f.subject,
    allowed: (a) => expect(a.json).toEqual({ status: 'CANCELLED' }),
  },
  {
    method: 'GET',
    template: '/approvals',
    guard: 'approval:list',
    path: () => '/approvals',
    allowed: (a) => {
      expect(a.status).toBe(200);
      expect(Array.isArray(a.json)).toBe(true);
    },
  },
  {
    method: 'GET',
    template: '/organizations',
    guard: 'organization:search',
    path: () => '/organizations?name=Matrix&country=US&state=MD',
    allowed: (a) => {
      expect(a.status).toBe(200);
      expect((a.json as { name: string }[]).map((o) => o.name)).toEqual(['Matrix Alpha Clinic', 'Matrix Beta Hospital']);
    },
  },
  {
    method: 'POST',
    template: '/auth/login',
    guard: 'session:start',
    path: () => '/auth/login',
    body: () => 'help desk credentials',
    allowed: (a) => expect(a.status).toBe(200),
  },
  {
    method: 'POST',
    template: '/auth/logout',
    guard: 'account:first-login',
    path: () => '/auth/logout',
    allowed: (a) => expect(a.status).toBe(204),
  },
  {
    method: 'POST',
    template: '/auth/password',
    guard: 'account:first-login',
    path: () => '/auth/password',
    // A wrong current password: the route runs (422) and no account changes.
    body: () => ({ currentPassword: 'Not-The-Current-Passw0rd', newPassword: 'Brand-New-Passw0rd-2026' }),
    allowed: (a) => expect(a.status).toBe(422),
  },
  {
    method: 'GET',
    template: '/auth/questions',
    guard: 'account:first-login',
    path: () => '/auth/questions',
    allowed: (a) => expect(a.json).toHaveLength(10),
  },
  {
    method: 'PUT',
    template: '/me/authentication-questions',
    guard: 'account:first-login',
    path: () => '/me/authentication-questions',
    body: () => ({
      answers: [
        { questionId: 'Q1', answer: 'Springfield' },
        { questionId: 'Q2', answer: 'Rex the dog' },
      ],
    }),
  },
  {
    method: 'POST',
    template: '/me/role-requests',
    guard: 'registration:request-role',
    path: () => '/me/role-requests',
    body: () => ({ community: 'PROVIDER_SUPPLIER', role: 'INDIVIDUAL_PRACTITIONER', acceptedTerms: { role: true } }),
    allowed: (a) => expect(a.status).toBe(202),
  },
  {
    method: 'GET',
    template: '/admin/deadline-policy',
    guard: 'deadline-policy:change',
    path: () => '/admin/deadline-policy',
    allowed: (a) => expect(a.status).toBe(200),
  },
  {
    method: 'PUT',
    template: '/admin/deadline-policy',
    guard: 'deadline-policy:change',
    path: () => '/admin/deadline-policy',
    body: () => ({ reminderAfterBusinessDays: 5, escalateAfterBusinessDays: 10, expireAfterBusinessDays: 20 }),
    allowed: (a) => expect(a.status).toBe(200),
  },
  {
    method: 'POST',
    template: '/accounts/:userId/deactivate',
    guard: 'account:deactivate',
    // An account that does not exist: the guard decides, and no real account is touched (404 when allowed).
    path: () => '/accounts/NOSUCHUSER0/deactivate',
    allowed: (a) => expect(a.status).toBe(404),
  },
  {
    method: 'GET',
    template: '/me',
    guard: 'account:use',
    path: () => '/me',
    allowed: (a) => {
      expect(a.status).toBe(200);
      expect(a.json).toMatchObject({ userId: expect.any(String), roles: expect.any(Array) });
    },
  },
  // The Web UI's CORS preflight carries no credentials: answered 204 before any guard.
  {
    method: 'OPTIONS',
    template: '/codec/decode (CORS preflight)',
    guard: 'unguarded',
    path: () => '/codec/decode',
    allowed: (a) => expect(a.status).toBe(204),
  },
  {
    method: 'OPTIONS',
    template: '/codec/encode (CORS preflight)',
    guard: 'unguarded',
    path: () => '/codec/encode',
    allowed: (a) => expect(a.status).toBe(204),
  },
  {
    method: 'POST',
    template: '/codec/decode',
    guard: 'payload:decode',
    path: () => '/codec/decode',
    body: (f) => ({ payloads: f.startedPayloads }),
    allowed: (a) => expect(a.status).toBe(200),
  },
  {
    method: 'POST',
    template: '/codec/encode',
    guard: 'payload:decode',
    path: () => '/codec/encode',
    body: () => ({ payloads: [{ metadata: { encoding: b64('json/plain') }, data: b64('"hello"') }] }),
    allowed: (a) => expect(a.status).toBe(200),
  },
  // Last: the routed approver's cell approves the request, so it runs after every refusal.
  {
    method: 'POST',
    template: '/registrations/:id/decision',
    guard: 'registration:decide',
    path: (f) => `/registrations/${f.decisionTarget.id}/decision`,
    registration: (f) => f.decisionTarget,
    body: () => ({ decision: 'APPROVE' }),
    allowed: (a) => expect(a.json).toEqual({ status: 'APPROVED' }),
  },
  // Application roles (Table 2): api/application-role-routes.ts.
  {
    method: 'GET',
    template: '/applications',
    guard: 'account:use',
    path: () => '/applications',
    allowed: (a) => expect(a.json).toContainEqual({ id: 'PS&R', name: 'Provider Statistical & Reimbursement' }),
  },
  {
    method: 'GET',
    template: '/me/application-roles',
    guard: 'account:use',
    path: () => '/me/application-roles',
    allowed: (a) => expect(a.json).toEqual([]),
  },
  {
    method: 'POST',
    template: '/me/application-roles',
    guard: 'application-role:request',
    path: () => '/me/application-roles',
    body: (f) => ({ applicationId: 'PS&R', role: 'APPLICATION_USER', userGroupId: f.userGroupId }),
    allowed: (a) => {
      expect(a.status).toBe(202);
      expect(a.json).toMatchObject({ status: 'AWAITING_APPROVAL' });
    },
  },
  {
    method: 'GET',
    template: '/application-role-requests/:id',
    guard: 'application-role:follow',
    path: (f) => `/application-role-requests/${f.applicationRoleTarget}`,
    allowed: (a, f) => {
      expect(a.status).toBe(200);
      expect(a.json).toMatchObject({ id: f.applicationRoleTarget, applicationId: 'PECOS', role: 'APPLICATION_APPROVER' });
    },
  },
  {
    method: 'POST',
    template: '/application-role-requests/:id/cancel',
    guard: 'application-role:cancel',
    path: (f) => `/application-role-requests/${f.applicationRoleToCancel}/cancel`,
    allowed: (a) => expect(a.json).toEqual({ status: 'CANCELLED' }),
  },
  {
    method: 'POST',
    template: '/application-role-requests/:id/decision',
    guard: 'application-role:decide',
    path: (f) => `/application-role-requests/${f.applicationRoleTarget}/decision`,
    body: () => ({ decision: 'APPROVE' }),
    allowed: (a) => expect(a.json).toEqual({ status: 'APPROVED' }),
  },
];

let stack: LocalStack;
let api: ApiClient;
let journey: Journey;
let f: Fixtures;

const UNKNOWN_TOKEN = randomBytes(32).toString('base64url');
const MALFORMED_HEADER = 'Basic bWF0cml4OnBhc3N3b3Jk';

function authorizationFor(p: Principal, route: RouteSpec): string | undefined {
  switch (p) {
    case 'anonymous':
      return undefined;
    case 'malformedHeader':
      return MALFORMED_HEADER;
    case 'unknownToken':
      return `Bearer ${UNKNOWN_TOKEN}`;
    case 'applicant':
      return `Bearer ${(route.registration?.(f) ?? f.subject).token}`;
    case 'otherApplicant':
      return `Bearer ${f.other.token}`;
    default:
      return `Bearer ${route.template === '/auth/logout' ? f.spareTokens[p] : f.tokens[p]}`;
  }
}

async function send(route: RouteSpec, p: Principal): Promise<RawAnswer> {
  const headers: Record<string, string> = {};
  const authorization = authorizationFor(p, route);
  if (authorization) headers.authorization = authorization;
  let body: string | undefined;
  if (route.body) {
    const value = route.body(f, p);
    body = JSON.stringify(
      value === 'help desk credentials' ? { userId: stack.config.helpDesk.userId, password: stack.config.helpDesk.password } : value,
    );
    headers['content-type'] = 'application/json';
  }
  if (route.method === 'OPTIONS') Object.assign(headers, { origin: 'http://127.0.0.1:8233', 'access-control-request-method': 'POST' });
  return rawRequest(stack.apiUrl, route.method, route.path(f), { headers, body });
}

/** Provisioned through the API (register, verify, details, approval) and through first login; returns the full session token. */
async function provision(
  registration: Started,
  details: Record<string, unknown>,
  approverToken: string,
  newPassword: string,
): Promise<{ userId: string; token: string }> {
  await journey.verifyEmail(registration);
  await journey.submitWith(registration, details);
  const decision = await journey.decide(registration.id, approverToken, 'APPROVE');
  if (decision.status !== 200) throw new Error(`decision answered ${decision.status}: ${JSON.stringify(decision.body)}`);
  await journey.waitForStatus(registration, 'PROVISIONED');
  const { userId, password } = await journey.credentials(registration.email);
  return { userId, token: await journey.completeFirstLogin(userId, password, newPassword) };
}

async function loginToken(userId: string, password: string): Promise<string> {
  const answer = await journey.login(userId, password);
  if (answer.status !== 200) throw new Error(`login of ${userId} answered ${answer.status}`);
  return answer.body.token;
}

beforeAll(async () => {
  const high = { limit: 100_000, windowMs: 60 * 60 * 1000 };
  stack = await startTestStack({
    RATE_LIMITS: JSON.stringify({
      registrationsPerAddress: high,
      registrationsPerEmail: high,
      loginsPerAddress: high,
      loginsPerUserId: high,
      codeAttemptsPerAddress: high,
      codeAttemptsPerRegistration: high,
      resendsPerAddress: high,
      resendsPerRegistration: high,
    }),
  });
  api = new ApiClient(stack.apiUrl);
  journey = new Journey(api, stack.mailCatcherUrl!);
  const helpDesk = await loginToken(stack.config.helpDesk.userId, stack.config.helpDesk.password);
  const operator = await loginToken(stack.config.operator.userId, stack.config.operator.password);

  // Two organizations, each with its Security Official (approved by the Help Desk).
  const soAlpha = await journey.register('SECURITY_OFFICIAL', 'so@alpha.matrix.example.test');
  const soBeta = await journey.register('SECURITY_OFFICIAL', 'so@beta.matrix.example.test');
  const organization = (name: string) => ({ organization: { name, country: 'US', state: 'MD', providerType: 'PHYSICIAN_GROUP_PRACTICE' } });
  // One at a time: concurrent first requests of a rate-limit window can fail (see rate-limits.test.ts).
  const so = await provision(soAlpha, organization('Matrix Alpha Clinic'), helpDesk, 'Alpha-Security-Official-1');
  const otherSo = await provision(soBeta, organization('Matrix Beta Hospital'), helpDesk, 'Beta-Security-Official-2');
  const [alpha] = (await api.call<{ id: string }[]>('GET', '/organizations?name=Matrix Alpha&country=US&state=MD')).body;
  const organizationId = alpha!.id;

  // A UGA of Alpha (approved by Alpha's SO), then End Users of its group (approved by the UGA).
  const ugaRequest = await journey.register('USER_GROUP_ADMINISTRATOR', 'uga@alpha.matrix.example.test');
  const uga = await provision(
    ugaRequest,
    { organizationId, userGroup: { name: 'Alpha Billing', kind: 'PROVIDER' } },
    so.token,
    'Alpha-Billing-Admin-3',
  );
  const [withGroup] = (await api.call<{ userGroups: { id: string }[] }[]>('GET', '/organizations?name=Matrix Alpha&country=US&state=MD'))
    .body;
  const userGroupId = withGroup!.userGroups[0]!.id;

  const endUserRequest = await journey.register('END_USER', 'eu@alpha.matrix.example.test');
  const firstLoginRequest = await journey.register('END_USER', 'new-eu@alpha.matrix.example.test');
  const endUser = await provision(endUserRequest, { organizationId, userGroupId }, uga.token, 'Alpha-End-User-Pass-4');
  await journey.verifyEmail(firstLoginRequest);
  await journey.submitWith(firstLoginRequest, { organizationId, userGroupId });
  expect((await journey.decide(firstLoginRequest.id, uga.token, 'APPROVE')).status).toBe(200);
  await journey.waitForStatus(firstLoginRequest, 'PROVISIONED');
  const firstLoginCredentials = await journey.credentials(firstLoginRequest.email);
  const firstLogin = await journey.login(firstLoginCredentials.userId, firstLoginCredentials.password);
  expect(firstLogin.body).toMatchObject({ mustChangePassword: true, mustAnswerQuestions: true });

  // The request to decide: a UGA of Alpha, routed to Alpha's SO.
  const decisionTarget = await journey.register('USER_GROUP_ADMINISTRATOR', 'uga2@alpha.matrix.example.test');
  await journey.verifyEmail(decisionTarget);
  await journey.submitWith(decisionTarget, { organizationId, userGroup: { name: 'Alpha Front Desk', kind: 'SURROGATE' } });

  // The applicant of the registration in the path (an Individual Practitioner awaiting details), and another applicant.
  const subjectIdentity = { firstName: 'Noor', lastName: 'Pretendez', dateOfBirth: '1970-02-14', ssn: '900-12-0014' };
  const subject = await journey.register('INDIVIDUAL_PRACTITIONER', 'subject@matrix.example.test', subjectIdentity);
  const other = await journey.register('INDIVIDUAL_PRACTITIONER', 'other@matrix.example.test');
  await journey.verifyEmail(subject);
  await journey.waitForStatus(other, 'AWAITING_EMAIL_VERIFICATION');

  const tokens: Record<AccountPrincipal, string> = {
    firstLogin: firstLogin.body.token,
    endUser: endUser.token,
    securityOfficial: so.token,
    otherSecurityOfficial: otherSo.token,
    userGroupAdministrator: uga.token,
    helpDesk,
    operator,
  };
  const spareTokens: Record<AccountPrincipal, string> = {
    firstLogin: await loginToken(firstLoginCredentials.userId, firstLoginCredentials.password),
    endUser: await loginToken(endUser.userId, 'Alpha-End-User-Pass-4'),
    securityOfficial: await loginToken(so.userId, 'Alpha-Security-Official-1'),
    otherSecurityOfficial: await loginToken(otherSo.userId, 'Beta-Security-Official-2'),
    userGroupAdministrator: await loginToken(uga.userId, 'Alpha-Billing-Admin-3'),
    helpDesk: await loginToken(stack.config.helpDesk.userId, stack.config.helpDesk.password),
    operator: await loginToken(stack.config.operator.userId, stack.config.operator.password),
  };

  // Two application-role requests of the End User, routed to Alpha's SO/BSO once recorded.
  const askRole = async (applicationId: string, role: string): Promise<string> => {
    const answer = await api.call<{ id: string }>('POST', '/me/application-roles', {
      token: endUser.token,
      body: { applicationId, role, userGroupId },
    });
    if (answer.status !== 202) throw new Error(`application-role request answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    for (let deadline = Date.now() + 20_000; ;) {
      const view = await api.call<{ trackingNumber?: string }>('GET', `/application-role-requests/${answer.body.id}`, {
        token: endUser.token,
      });
      if (view.body.trackingNumber) return answer.body.id;
      if (Date.now() > deadline) throw new Error(`application-role request ${answer.body.id} was never routed`);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  };
  const applicationRoleTarget = await askRole('PECOS', 'APPLICATION_APPROVER');
  const applicationRoleToCancel = await askRole('HETS', 'APPLICATION_USER');

  // The subject's history as an operator's tools see it: a client WITHOUT the codec.
  const connection = await Connection.connect({ address: stack.config.temporal.address });
  try {
    const plain = new Client({ connection, namespace: stack.config.temporal.namespace });
    const history = await plain.workflow.getHandle(workflowIdFor(subject.id)).fetchHistory();
    const started = history.events?.find((e) => e.workflowExecutionStartedEventAttributes)?.workflowExecutionStartedEventAttributes;
    const payloads = started?.input?.payloads ?? [];
    expect(payloads.length).toBeGreaterThan(0);
    const startedPayloads = payloads.map((p) => ({
      metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
      data: Buffer.from(p.data ?? []).toString('base64'),
    }));
    f = {
      subject,
      other,
      decisionTarget,
      organizationId,
      tokens,
      spareTokens,
      startedPayloads,
      subjectIdentity,
      userGroupId,
      applicationRoleTarget,
      applicationRoleToCancel,
    };
  } finally {
    await connection.close();
  }
}, 240_000);

afterAll(async () => {
  await stack?.stop();
});

describe('authorization matrix: every route × every kind of caller', () => {
  for (const route of ROUTES) {
    // The routed approver's cell changes the request: it comes last.
    const last = LAST_CELL[route.guard];
    const order = last === undefined ? PRINCIPALS : [...PRINCIPALS.filter((p) => p !== last), last];
    describe(`${route.method} ${route.template}`, () => {
      for (const p of order) {
        const expected = expectedFor(route.guard, p);
        it(`${route.method} ${route.template} as ${p} → ${expected}`, async () => {
          if (route.guard === 'registration:decide' && p === 'securityOfficial') {
            // Every refusal before left the request untouched.
            expect((await journey.view(f.decisionTarget)).body.status).toBe('AWAITING_APPROVAL');
          }
          const answer = await send(route, p);
          if (expected === 'allowed') {
            expect(answer.status, answer.text).not.toBe(401);
            expect(answer.status, answer.text).not.toBe(403);
            expect(answer.status, answer.text).toBeLessThan(500);
            await route.allowed?.(answer, f);
          } else {
            expect(answer.status, answer.text).toBe(expected);
            expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
            expect(answer.json).toMatchObject({ status: expected });
          }
        });
      }
    });
  }
});

describe('decisions: only the routed approver succeeds', () => {
  it('after the refusals and the routed SO approval, the UGA request is APPROVED (then PROVISIONED) with the SO as approver', async () => {
    const done = await journey.waitForStatus(f.decisionTarget, 'PROVISIONED');
    expect(done.history.map((h) => h.status)).toContain('APPROVED');
  });
});

describe('the codec endpoint: the operator can still read a history', () => {
  it('a WorkflowExecutionStarted input, sealed in the history, is decoded for the operator with the SSN in clear', async () => {
    const stored = f.startedPayloads.map((p) => Buffer.from(p.data, 'base64').toString('latin1')).join('\n');
    expect(stored).not.toContain(f.subjectIdentity.ssn);
    expect(f.startedPayloads[0]!.metadata.encoding).toBe(b64('binary/encrypted'));

    const answer = await rawRequest(stack.apiUrl, 'POST', '/codec/decode', {
      headers: { authorization: `Bearer ${f.tokens.operator}`, 'content-type': 'application/json' },
      body: JSON.stringify({ payloads: f.startedPayloads }),
    });
    expect(answer.status, answer.text).toBe(200);
    const decoded = (answer.json as { payloads: { metadata: Record<string, string>; data: string }[] }).payloads;
    expect(decoded).toHaveLength(f.startedPayloads.length);
    expect(Buffer.from(decoded[0]!.metadata.encoding!, 'base64').toString()).toBe('json/plain');
    const text = Buffer.from(decoded[0]!.data, 'base64').toString('utf8');
    const input = JSON.parse(text) as { registrationId: string; identity?: unknown; sealedIdentity: { sealed: string; ssnLast4: string } };
    expect(input.registrationId).toBe(f.subject.id);
    // Even decoded, the identity stays sealed with a key the codec does not use: the operator sees the SSN's last four digits only.
    expect(input.identity).toBeUndefined();
    expect(input.sealedIdentity.ssnLast4).toBe(f.subjectIdentity.ssn.slice(-4));
    expect(text).not.toContain(f.subjectIdentity.ssn);
    expect(text).not.toContain(f.subjectIdentity.ssn.replaceAll('-', ''));
    expect(text).not.toContain(f.subjectIdentity.dateOfBirth);
  });

  it('the same payloads: anonymous → 401, Help Desk → 403, nothing decoded', async () => {
    const body = JSON.stringify({ payloads: f.startedPayloads });
    const anonymous = await rawRequest(stack.apiUrl, 'POST', '/codec/decode', { headers: { 'content-type': 'application/json' }, body });
    expect(anonymous.status).toBe(401);
    expect(anonymous.text).not.toContain(f.subjectIdentity.ssn);
    const helpDesk = await rawRequest(stack.apiUrl, 'POST', '/codec/decode', {
      headers: { authorization: `Bearer ${f.tokens.helpDesk}`, 'content-type': 'application/json' },
      body,
    });
    expect(helpDesk.status).toBe(403);
    expect(helpDesk.text).not.toContain(f.subjectIdentity.ssn);
  });

  it('a round trip through /codec/encode and /codec/decode gives the payload back', async () => {
    const headers = { authorization: `Bearer ${f.tokens.operator}`, 'content-type': 'application/json' };
    const original = { metadata: { encoding: b64('json/plain') }, data: b64('{"hello":"operator"}') };
    const encoded = await rawRequest(stack.apiUrl, 'POST', '/codec/encode', { headers, body: JSON.stringify({ payloads: [original] }) });
    expect(encoded.status).toBe(200);
    const sealed = (encoded.json as { payloads: { metadata: Record<string, string>; data: string }[] }).payloads;
    expect(Buffer.from(sealed[0]!.metadata.encoding!, 'base64').toString()).toBe('binary/encrypted');
    const decoded = await rawRequest(stack.apiUrl, 'POST', '/codec/decode', { headers, body: JSON.stringify({ payloads: sealed }) });
    expect(decoded.status).toBe(200);
    expect((decoded.json as { payloads: unknown[] }).payloads).toEqual([original]);
  });
});

describe('who is asked, for a registration that does not exist', () => {
  const unknownId = '5b3f1c3e-1111-4111-8111-111111111111';

  it('GET /registrations/<unknown id> without a token → 401', async () => {
    expect((await rawRequest(stack.apiUrl, 'GET', `/registrations/${unknownId}`)).status).toBe(401);
  });

  it('GET /registrations/<unknown id> as an account → 403, as for any registration', async () => {
    expect(
      (await rawRequest(stack.apiUrl, 'GET', `/registrations/${unknownId}`, { headers: { authorization: `Bearer ${f.tokens.endUser}` } }))
        .status,
    ).toBe(403);
  });

  // Regression: a token for an id without a workflow once answered 404 (an existence oracle) instead of the policy's 401.
  it('GET /registrations/<unknown id> with an unknown bearer token → 401, as without a token (no existence oracle)', async () => {
    const answer = await rawRequest(stack.apiUrl, 'GET', `/registrations/${unknownId}`, {
      headers: { authorization: `Bearer ${UNKNOWN_TOKEN}` },
    });
    expect(answer.status).toBe(401);
  });
});
