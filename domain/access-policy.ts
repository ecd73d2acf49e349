/**
 * Who may read or act on what: the one authorization policy of the service. The API asks it
 * before every route; which approver may decide which request is `approval-routing.ts`, which
 * this policy defers to (the workflow checks it against the request's own route).
 */
import type { AccountRole, RoleGrant } from './roles';
import { isGroupMember, isOrganizationOfficial } from './application-roles';

export type Caller =
  | { kind: 'ANONYMOUS' }
  /** Holds the applicant token of exactly one registration. */
  | { kind: 'APPLICANT'; registrationId: string }
  | { kind: 'ACCOUNT'; userId: string; roles: RoleGrant[]; mustChangePassword: boolean; mustAnswerQuestions: boolean };

interface Resource {
  registrationId?: string;
}

type Verdict = { allowed: true } | { allowed: false; status: 401 | 403; reason: string };

type Rule = (caller: Caller, resource: Resource) => Verdict;

const allow: Verdict = { allowed: true };
const unauthenticated = (reason: string): Verdict => ({ allowed: false, status: 401, reason });
const forbidden = (reason: string): Verdict => ({ allowed: false, status: 403, reason });

const anyone: Rule = () => allow;

const applicantOfThisRegistration: Rule = (caller, resource) =>
  caller.kind === 'APPLICANT' && caller.registrationId === resource.registrationId
    ? allow
    : caller.kind === 'ACCOUNT'
      ? forbidden('only the applicant, with the applicant token, acts on a registration request')
      : unauthenticated('the applicant token of this registration is required');

const anyAccount: Rule = (caller) => (caller.kind === 'ACCOUNT' ? allow : unauthenticated('log in first'));

const accountReady: Rule = (caller) => {
  if (caller.kind !== 'ACCOUNT') return unauthenticated('log in first');
  return !caller.mustChangePassword && !caller.mustAnswerQuestions
    ? allow
    : forbidden('change your temporary password and answer two authentication questions first');
};

const withRole =
  (...roles: AccountRole[]): Rule =>
  (caller, resource) => {
    const ready = accountReady(caller, resource);
    if (!ready.allowed || caller.kind !== 'ACCOUNT') return ready;
    return caller.roles.some((grant) => roles.includes(grant.role)) ? allow : forbidden(`only ${roles.join(' or ')} accounts may do this`);
  };

/** Table 2: application roles are for members of a user group (UGA, End User), never for SO/BSO. */
const groupMember: Rule = (caller, resource) => {
  const ready = accountReady(caller, resource);
  if (!ready.allowed || caller.kind !== 'ACCOUNT') return ready;
  if (isOrganizationOfficial(caller.roles))
    return forbidden('Security Officials and Backup Security Officials cannot hold application roles');
  return isGroupMember(caller.roles)
    ? allow
    : forbidden('only a member of a user group (its UGA or an End User) may request an application role');
};

/** Every action the API offers, and who may take it. */
export const ACCESS_POLICY = {
  'registration:start': anyone,
  /** A person with an account asks for another role: no new identity, same chart and approval. */
  'registration:request-role': accountReady,
  'organization:search': anyone,
  'session:start': anyone,
  'registration:follow': applicantOfThisRegistration,
  'account:first-login': anyAccount,
  'account:use': accountReady,
  'approval:list': accountReady,
  /** Any ready account may ask; the workflow then admits only the approvers routed to the request. */
  'registration:decide': accountReady,
  'payload:decode': withRole('OPERATOR'),
  'deadline-policy:change': withRole('OPERATOR'),
  'account:deactivate': withRole('HELP_DESK', 'OPERATOR'),
  /** The Help Desk finds any request by its tracking number (status, history, who holds it; no secrets). */
  'request:look-up': withRole('HELP_DESK'),
  /** ... and sends its acknowledgement email again. */
  'acknowledgement:resend': withRole('HELP_DESK'),
  /** The route then checks membership of the very group asked for (domain/application-roles.ts). */
  'application-role:request': groupMember,
  /** Any ready account may ask; the route then admits only the requester and the approvers routed to the request. */
  'application-role:follow': accountReady,
  /** Any ready account may ask; the workflow then admits only the approvers routed to the request. */
  'application-role:decide': accountReady,
  /** Any ready account may ask; the workflow then admits only the requester. */
  'application-role:cancel': accountReady,
} satisfies Record<string, Rule>;

export type Action = keyof typeof ACCESS_POLICY;

export function authorize(caller: Caller, action: Action, resource: Resource = {}): Verdict {
  return ACCESS_POLICY[action](caller, resource);
}
