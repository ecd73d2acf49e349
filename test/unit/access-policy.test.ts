import { describe, expect, it } from 'vitest';
import { ACCESS_POLICY, authorize, type Action, type Caller } from '../../domain/access-policy';

const registrationId = '0b7e4a1e-3f0e-4a55-9a11-2f0c6a1d0001';
const callers = {
  anonymous: { kind: 'ANONYMOUS' },
  applicant: { kind: 'APPLICANT', registrationId },
  otherApplicant: { kind: 'APPLICANT', registrationId: '0b7e4a1e-3f0e-4a55-9a11-2f0c6a1d0002' },
  firstLogin: {
    kind: 'ACCOUNT',
    userId: 'ASMI0001',
    roles: [{ role: 'END_USER', organizationId: 'o', userGroupId: 'g' }],
    mustChangePassword: true,
    mustAnswerQuestions: true,
  },
  questionsPending: {
    kind: 'ACCOUNT',
    userId: 'ASMI0002',
    roles: [{ role: 'END_USER' }],
    mustChangePassword: false,
    mustAnswerQuestions: true,
  },
  endUser: {
    kind: 'ACCOUNT',
    userId: 'ASMI0003',
    roles: [{ role: 'END_USER', organizationId: 'o', userGroupId: 'g' }],
    mustChangePassword: false,
    mustAnswerQuestions: false,
  },
  securityOfficial: {
    kind: 'ACCOUNT',
    userId: 'ASMI0004',
    roles: [{ role: 'SECURITY_OFFICIAL', organizationId: 'o' }],
    mustChangePassword: false,
    mustAnswerQuestions: false,
  },
  helpDesk: {
    kind: 'ACCOUNT',
    userId: 'EUSHELPDESK',
    roles: [{ role: 'HELP_DESK' }],
    mustChangePassword: false,
    mustAnswerQuestions: false,
  },
  operator: { kind: 'ACCOUNT', userId: 'OPS0001', roles: [{ role: 'OPERATOR' }], mustChangePassword: false, mustAnswerQuestions: false },
} satisfies Record<string, Caller>;
type CallerName = keyof typeof callers;

/** The expected answer for every action and caller: 'ok', 401 or 403. */
const MATRIX: Record<Action, Record<CallerName, 'ok' | 401 | 403>> = {
  'registration:start': {
    anonymous: 'ok',
    applicant: 'ok',
    otherApplicant: 'ok',
    firstLogin: 'ok',
    questionsPending: 'ok',
    endUser: 'ok',
    securityOfficial: 'ok',
    helpDesk: 'ok',
    operator: 'ok',
  },
  'registration:request-role': {
    anonymous: 401,
    applicant: 401,
    otherApplicant: 401,
    firstLogin: 403,
    questionsPending: 403,
    endUser: 'ok',
    securityOfficial: 'ok',
    helpDesk: 'ok',
    operator: 'ok',
  },
  'organization:search': {
    anonymous: 'ok',
    applicant: 'ok',
    otherApplicant: 'ok',
    firstLogin: 'ok',
    questionsPending: 'ok',
    endUser: 'ok',
    securityOfficial: 'ok',
    helpDesk: 'ok',
    operator: 'ok',
  },
  'session:start': {
    anonymous: 'ok',
    applicant: 'ok',
    otherApplicant: 'ok',
    firstLogin: 'ok',
    questionsPending: 'ok',
    endUser: 'ok',
    securityOfficial: 'ok',
    helpDesk: 'ok',
    operator: 'ok',
  },
  'registration:follow': {
    anonymous: 401,
    applicant: 'ok',
    otherApplicant: 401,
    firstLogin: 403,
    questionsPending: 403,
    endUser: 403,
    securityOfficial: 403,
    helpDesk: 403,
    operator: 403,
  },
  'account:first-login': {
    anonymous: 401,
    applicant: 401,
    otherApplicant: 401,
    firstLogin: 'ok',
    questionsPending: 'ok',
    endUser: 'ok',
    securityOfficial: 'ok',
    helpDesk: 'ok',
    operator: 'ok',
  },
  'account:use': {
    anonymous: 401,
    applicant: 401,
    otherApplicant: 401,
    firstLogin: 403,
    questionsPending: 403,
    endUser: 'ok',
    securityOfficial: 'ok',
    helpDesk: 'ok',
    operator: 'ok',
  },
  'approval:list': {
    anonymous: 401,
    applicant: 401,
    otherApplicant: 401,
    firstLogin: 403,
    questionsPending: 403,
    endUser: 'ok',
    securityOfficial: 'ok',
    helpDesk: 'ok',
    operator: 'ok',
  },
  'registration:decide': {
    anonymous: 401,
    applicant: 401,
    otherApplicant: 401,
    firstLogin: 403,
    questionsPending: 403,
    endUser: 'ok',
    securityOfficial: 'ok',
    helpDesk: 'ok',
    operator: 'ok',
  },
  'account:deactivate': {
    anonymous: 401,
    applicant: 401,
    otherApplicant: 401,
    firstLogin: 403,
    questionsPending: 403,
    endUser: 403,
    securityOfficial: 403,
    helpDesk: 'ok',
    operator: 'ok',
  },
  'deadline-policy:change': {
    anonymous: 401,
    applicant: 401,
    otherApplicant: 401,
    firstLogin: 403,
    questionsPending: 403,
    endUser: 403,
    securityOfficial: 403,
    helpDesk: 403,
    operator: 'ok',
  },
  'payload:decode': {
    anonymous: 401,
    applicant: 401,
    otherApplicant: 401,
    firstLogin: 403,
    questionsPending: 403,
    endUser: 403,
    securityOfficial: 403,
    helpDesk: 403,
    operator: 'ok',
  },
  // Table 2: only members of a user group may ask for an application role; SO/BSO never hold one.
  'application-role:request': {
    anonymous: 401,
    applicant: 401,
    otherApplicant: 401,
    firstLogin: 403,
    questionsPending: 403,
    endUser: 'ok',
    securityOfficial: 403,
    helpDesk: 403,
    operator: 403,
  },
  'application-role:follow': {
    anonymous: 401,
    applicant: 401,
    otherApplicant: 401,
    firstLogin: 403,
    questionsPending: 403,
    endUser: 'ok',
    securityOfficial: 'ok',
    helpDesk: 'ok',
    operator: 'ok',
  },
  'application-role:decide': {
    anonymous: 401,
    applicant: 401,
    otherApplicant: 401,
    firstLogin: 403,
    questionsPending: 403,
    endUser: 'ok',
    securityOfficial: 'ok',
    helpDesk: 'ok',
    operator: 'ok',
  },
  'application-role:cancel': {
    anonymous: 401,
    applicant: 401,
    otherApplicant: 401,
    firstLogin: 403,
    questionsPending: 403,
    endUser: 'ok',
    securityOfficial: 'ok',
    helpDesk: 'ok',
    operator: 'ok',
  },
};

describe('the access policy', () => {
  it('has a row for every action it defines', () => {
    expect(Object.keys(MATRIX).sort()).toEqual(Object.keys(ACCESS_POLICY).sort());
  });

  for (const [action, row] of Object.entries(MATRIX) as [Action, Record<CallerName, 'ok' | 401 | 403>][]) {
    for (const [name, expected] of Object.entries(row) as [CallerName, 'ok' | 401 | 403][]) {
      it(`${action} by ${name}: ${expected}`, () => {
        const verdict = authorize(callers[name], action, { registrationId });
        if (expected === 'ok') expect(verdict).toEqual({ allowed: true });
        else expect(verdict).toMatchObject({ allowed: false, status: expected, reason: expect.any(String) });
      });
    }
  }
});
