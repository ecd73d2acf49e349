/**
 * Table 2 of the IACS guide (application roles), row by row: who may ask (members of the group,
 * never SO/BSO), who is routed each request (domain/approval-routing.ts), and the catalog.
 */
import { describe, expect, it } from 'vitest';
import { authorize, type Caller } from '../../domain/access-policy';
import {
  applicationCatalogFrom,
  applicationRoleKey,
  applicationRoleRequestSchema,
  DEFAULT_APPLICATIONS,
  mayRequestApplicationRole,
} from '../../domain/application-roles';
import {
  APPLICATION_ROLE_APPROVAL_TABLE,
  applicationRoleRouteFor,
  mayDecideApplicationRole,
  type ApplicationRolePrincipal,
  type ApplicationRoleRoutableRequest,
  type ApplicationRoleRoute,
} from '../../domain/approval-routing';
import type { RoleGrant } from '../../domain/roles';
import { loadConfig } from '../../config';

const ORG_A = 'org-a';
const ORG_B = 'org-b';
const GROUP_1 = 'group-1'; // in ORG_A
const GROUP_2 = 'group-2'; // in ORG_A
const PSR = 'PS&R';
const PECOS = 'PECOS';

const principal = (userId: string, roles: RoleGrant[], applicationRoles: ApplicationRolePrincipal['applicationRoles'] = []) => ({
  userId,
  roles,
  applicationRoles,
});
const soA = principal('SO000A', [{ role: 'SECURITY_OFFICIAL', organizationId: ORG_A }]);
const bsoA = principal('BS000A', [{ role: 'BACKUP_SECURITY_OFFICIAL', organizationId: ORG_A }]);
const soB = principal('SO000B', [{ role: 'SECURITY_OFFICIAL', organizationId: ORG_B }]);
const bsoB = principal('BS000B', [{ role: 'BACKUP_SECURITY_OFFICIAL', organizationId: ORG_B }]);
const ugaG1 = principal('UG0001', [{ role: 'USER_GROUP_ADMINISTRATOR', organizationId: ORG_A, userGroupId: GROUP_1 }]);
const ugaG2 = principal('UG0002', [{ role: 'USER_GROUP_ADMINISTRATOR', organizationId: ORG_A, userGroupId: GROUP_2 }]);
const euG1 = principal('EU0001', [{ role: 'END_USER', organizationId: ORG_A, userGroupId: GROUP_1 }]);
const approverG1 = principal(
  'EU0002',
  [{ role: 'END_USER', organizationId: ORG_A, userGroupId: GROUP_1 }],
  [{ role: 'APPLICATION_APPROVER', applicationId: PSR, userGroupId: GROUP_1, organizationId: ORG_A }],
);
const approverG1OtherApp = principal(
  'EU0003',
  [{ role: 'END_USER', organizationId: ORG_A, userGroupId: GROUP_1 }],
  [{ role: 'APPLICATION_APPROVER', applicationId: PECOS, userGroupId: GROUP_1, organizationId: ORG_A }],
);
const approverG2 = principal(
  'UG0002',
  [{ role: 'USER_GROUP_ADMINISTRATOR', organizationId: ORG_A, userGroupId: GROUP_2 }],
  [{ role: 'APPLICATION_APPROVER', applicationId: PSR, userGroupId: GROUP_2, organizationId: ORG_A }],
);
const userG1 = principal(
  'EU0004',
  [{ role: 'END_USER', organizationId: ORG_A, userGroupId: GROUP_1 }],
  [{ role: 'APPLICATION_USER', applicationId: PSR, userGroupId: GROUP_1, organizationId: ORG_A }],
);
const helpDesk = principal('HD0001', [{ role: 'HELP_DESK' }]);

const request = (role: ApplicationRoleRoutableRequest['role'], groupHasApprover: boolean): ApplicationRoleRoutableRequest => ({
  role,
  organizationId: ORG_A,
  userGroupId: GROUP_1,
  applicationId: PSR,
  groupHasApprover,
});
const officials: ApplicationRoleRoute = {
  heldBy: ['SECURITY_OFFICIAL', 'BACKUP_SECURITY_OFFICIAL'],
  approvers: [{ kind: 'ORGANIZATION_ROLE', roles: ['SECURITY_OFFICIAL', 'BACKUP_SECURITY_OFFICIAL'], organizationId: ORG_A }],
};

interface Row {
  row: string;
  request: ApplicationRoleRoutableRequest;
  route: ApplicationRoleRoute;
  approvers: [string, ApplicationRolePrincipal][];
  refused: [string, ApplicationRolePrincipal][];
}

/** Table 2, "APPROVED BY" column, with the default-approver rule. */
const TABLE: Row[] = [
  {
    row: 'UGA or End User → Application Approver for a user group: approved by SO or BSO',
    request: request('APPLICATION_APPROVER', false),
    route: officials,
    approvers: [
      ["the organization's SO", soA],
      ["the organization's BSO", bsoA],
    ],
    refused: [
      ["another organization's SO", soB],
      ["another organization's BSO", bsoB],
      ["the group's UGA", ugaG1],
      ['a UGA of another group', ugaG2],
      ["an Approver of the group (Approvers don't approve Approvers)", approverG1],
      ['the help desk', helpDesk],
    ],
  },
  {
    // Whether the group has an Approver does not change who approves Approvers.
    row: 'Application Approver, when the group already has one: still SO or BSO',
    request: request('APPLICATION_APPROVER', true),
    route: officials,
    approvers: [
      ["the organization's SO", soA],
      ["the organization's BSO", bsoA],
    ],
    refused: [["the group's existing Approver", approverG1]],
  },
  {
    row: "UGA or End User → Application User, group with an Approver for the application: the group's Approver(s)",
    request: request('APPLICATION_USER', true),
    route: {
      heldBy: ['APPLICATION_APPROVER'],
      approvers: [{ kind: 'APPLICATION_APPROVER', applicationId: PSR, userGroupId: GROUP_1 }],
    },
    approvers: [["the group's Approver of the application", approverG1]],
    refused: [
      ["the organization's SO (no longer the default)", soA],
      ["the organization's BSO (no longer the default)", bsoA],
      ["the group's Approver of another application", approverG1OtherApp],
      ["another group's Approver of the application", approverG2],
      ["the group's UGA", ugaG1],
      ['an Application User of the group', userG1],
      ['an End User of the group', euG1],
      ['the help desk', helpDesk],
    ],
  },
  {
    row: 'Application User, group without an Approver for the application: SO or BSO, the default approvers',
    request: request('APPLICATION_USER', false),
    route: officials,
    approvers: [
      ["the organization's SO", soA],
      ["the organization's BSO", bsoA],
    ],
    refused: [
      ["another organization's SO", soB],
      ["the group's Approver of another application", approverG1OtherApp],
      ["another group's Approver of the application", approverG2],
      ["the group's UGA", ugaG1],
      ['the help desk', helpDesk],
    ],
  },
];

describe('APPLICATION_ROLE_APPROVAL_TABLE', () => {
  it('has one rule per application role', () => {
    expect(Object.keys(APPLICATION_ROLE_APPROVAL_TABLE).sort()).toEqual(['APPLICATION_APPROVER', 'APPLICATION_USER']);
  });
});

describe.each(TABLE)('$row', ({ request: r, route, approvers, refused }) => {
  it('routes to the approvers of Table 2', () => {
    expect(applicationRoleRouteFor(r)).toEqual(route);
  });

  it.each(approvers)('%s may decide', (_label, who) => {
    expect(mayDecideApplicationRole(who, applicationRoleRouteFor(r), 'SOMEONE-ELSE')).toBe(true);
  });

  it.each(approvers)('%s may not decide their own request', (_label, who) => {
    expect(mayDecideApplicationRole(who, applicationRoleRouteFor(r), who.userId)).toBe(false);
  });

  it.each(refused)('%s may not decide', (_label, who) => {
    expect(mayDecideApplicationRole(who, applicationRoleRouteFor(r), 'SOMEONE-ELSE')).toBe(false);
  });
});

describe('mayDecideApplicationRole', () => {
  const toApprovers = applicationRoleRouteFor(request('APPLICATION_USER', true));

  it('needs the application and the group in the same grant', () => {
    const split = principal(
      'MX0001',
      [{ role: 'END_USER', organizationId: ORG_A, userGroupId: GROUP_1 }],
      [
        { role: 'APPLICATION_APPROVER', applicationId: PECOS, userGroupId: GROUP_1, organizationId: ORG_A },
        { role: 'APPLICATION_APPROVER', applicationId: PSR, userGroupId: GROUP_2, organizationId: ORG_A },
      ],
    );
    expect(mayDecideApplicationRole(split, toApprovers)).toBe(false);
  });

  it('an Application User grant for the same application and group is not an Approver grant', () => {
    expect(mayDecideApplicationRole(userG1, toApprovers)).toBe(false);
  });
});

describe('who may ask (Table 2, "RULE" column)', () => {
  const account = (roles: RoleGrant[]): Caller => ({
    kind: 'ACCOUNT',
    userId: 'X0001',
    roles,
    mustChangePassword: false,
    mustAnswerQuestions: false,
  });

  it.each([
    ["the group's UGA", ugaG1.roles, GROUP_1, true],
    ['an End User of the group', euG1.roles, GROUP_1, true],
    ['a UGA of another group', ugaG2.roles, GROUP_1, false],
    ['an End User of another group', euG1.roles, GROUP_2, false],
    ["the organization's SO", soA.roles, GROUP_1, false],
    ["the organization's BSO", bsoA.roles, GROUP_1, false],
    ['an SO who is also an End User of the group', [...soA.roles, ...euG1.roles], GROUP_1, false],
    ['a BSO of another organization who is an End User of the group', [...bsoB.roles, ...euG1.roles], GROUP_1, false],
    [
      'an End User of two groups, for the second',
      [...euG1.roles, { role: 'END_USER', organizationId: ORG_B, userGroupId: 'g-b' }],
      'g-b',
      true,
    ],
    ['the help desk', helpDesk.roles, GROUP_1, false],
  ] as [string, RoleGrant[], string, boolean][])('%s: %s', (_label, roles, group, eligible) => {
    expect(mayRequestApplicationRole(roles, group).eligible).toBe(eligible);
  });

  it('the eligible request takes the organization of the membership', () => {
    expect(mayRequestApplicationRole(euG1.roles, GROUP_1)).toEqual({ eligible: true, organizationId: ORG_A });
  });

  it.each([
    ['a UGA', ugaG1.roles, 'ok'],
    ['an End User', euG1.roles, 'ok'],
    ['an SO', soA.roles, 403],
    ['a BSO', bsoA.roles, 403],
    ['an SO who is also an End User', [...soA.roles, ...euG1.roles], 403],
    ['the help desk', helpDesk.roles, 403],
    ['an operator', [{ role: 'OPERATOR' }], 403],
  ] as [string, RoleGrant[], 'ok' | 403][])('application-role:request by %s: %s', (_label, roles, expected) => {
    const verdict = authorize(account(roles), 'application-role:request');
    if (expected === 'ok') expect(verdict).toEqual({ allowed: true });
    else expect(verdict).toMatchObject({ allowed: false, status: 403 });
  });

  it('one key per person, application, group and role', () => {
    const base = { applicationId: PSR, userGroupId: GROUP_1, role: 'APPLICATION_USER' } as const;
    const keys = new Set([
      applicationRoleKey('A', base),
      applicationRoleKey('B', base),
      applicationRoleKey('A', { ...base, applicationId: PECOS }),
      applicationRoleKey('A', { ...base, userGroupId: GROUP_2 }),
      applicationRoleKey('A', { ...base, role: 'APPLICATION_APPROVER' }),
    ]);
    expect(keys.size).toBe(5);
    expect(applicationRoleKey('A', base)).toBe(applicationRoleKey('A', { ...base }));
  });
});

describe('the request body', () => {
  const valid = { applicationId: PSR, role: 'APPLICATION_USER', userGroupId: 'a'.repeat(24) };

  it('accepts a well-formed request', () => {
    expect(applicationRoleRequestSchema.parse(valid)).toEqual(valid);
  });

  it.each([
    ['role', { ...valid, role: 'SECURITY_OFFICIAL' }],
    ['userGroupId', { ...valid, userGroupId: 'not-an-id' }],
    ['applicationId', { ...valid, applicationId: '' }],
    ['applicationId', { ...valid, applicationId: '<script>' }],
    ['extra', { ...valid, extra: true }],
  ])('refuses a bad %s', (field, body) => {
    const result = applicationRoleRequestSchema.safeParse(body);
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((i) => (i.path.length ? i.path.join('.') : String((i as { keys?: string[] }).keys)));
    expect(paths.join(' ')).toContain(field);
  });
});

describe('the application catalog (APPLICATIONS)', () => {
  it('has a default of CMS applications, PS&R among them', () => {
    expect(loadConfig({}).applications).toEqual(DEFAULT_APPLICATIONS);
    expect(DEFAULT_APPLICATIONS.length).toBeGreaterThanOrEqual(3);
    expect(DEFAULT_APPLICATIONS).toContainEqual({ id: 'PS&R', name: 'Provider Statistical & Reimbursement' });
  });

  it('takes a JSON list from the environment', () => {
    const applications = [
      { id: 'PS&R', name: 'Provider Statistical & Reimbursement' },
      { id: 'X1', name: 'Example One' },
    ];
    expect(loadConfig({ APPLICATIONS: JSON.stringify(applications) }).applications).toEqual(applications);
  });

  it.each([
    ['not JSON', 'PS&R', /must be a JSON array/],
    ['an object', '{"id":"PS&R"}', /APPLICATIONS is not valid/],
    ['an empty list', '[]', /at least one application/],
    ['a missing name', '[{"id":"PS&R"}]', /name/],
    ['an unknown field', '[{"id":"PS&R","name":"x","url":"y"}]', /APPLICATIONS is not valid/],
    ['duplicate ids', '[{"id":"PS&R","name":"a"},{"id":"ps&r","name":"b"}]', /unique/],
  ])('refuses %s', (_label, json, message) => {
    expect(() => applicationCatalogFrom(json)).toThrow(message);
    expect(() => loadConfig({ APPLICATIONS: json })).toThrow(message);
  });
});
