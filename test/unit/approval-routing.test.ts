/** Table 1 of the IACS guide, "APPROVED BY" column, row by row. */
import { describe, expect, it } from 'vitest';
import {
  APPROVAL_TABLE,
  DECIDING_ROLES,
  applicationRoleRouteFor,
  approvalRouteFor,
  decidingKeys,
  mayDecide,
  type ApplicationRoleRoute,
  type ApprovalRoute,
  type Principal,
  type RoutableRequest,
} from '../../domain/approval-routing';
import { APPLICATION_ROLES } from '../../domain/application-roles';
import { escalateApplicationRoleRoute, escalationChain } from '../../domain/escalation';
import { REGISTRATION_ROLES, type RegistrationRole } from '../../domain/roles';

const ORG_A = 'org-a';
const ORG_B = 'org-b';
const GROUP_1 = 'group-1'; // in ORG_A
const GROUP_2 = 'group-2'; // in ORG_A
const REGISTRY_GROUP = 'registry-group';

const helpDesk: Principal = { userId: 'HD0001', roles: [{ role: 'HELP_DESK' }] };
const soA: Principal = { userId: 'SO000A', roles: [{ role: 'SECURITY_OFFICIAL', organizationId: ORG_A }] };
const soB: Principal = { userId: 'SO000B', roles: [{ role: 'SECURITY_OFFICIAL', organizationId: ORG_B }] };
const bsoA: Principal = { userId: 'BS000A', roles: [{ role: 'BACKUP_SECURITY_OFFICIAL', organizationId: ORG_A }] };
const bsoB: Principal = { userId: 'BS000B', roles: [{ role: 'BACKUP_SECURITY_OFFICIAL', organizationId: ORG_B }] };
const ugaG1: Principal = { userId: 'UG0001', roles: [{ role: 'USER_GROUP_ADMINISTRATOR', organizationId: ORG_A, userGroupId: GROUP_1 }] };
const ugaG2: Principal = { userId: 'UG0002', roles: [{ role: 'USER_GROUP_ADMINISTRATOR', organizationId: ORG_A, userGroupId: GROUP_2 }] };
const ugaRegistry: Principal = {
  userId: 'UG000R',
  roles: [{ role: 'USER_GROUP_ADMINISTRATOR', organizationId: ORG_A, userGroupId: REGISTRY_GROUP }],
};
const endUserG1: Principal = { userId: 'EU0001', roles: [{ role: 'END_USER', organizationId: ORG_A, userGroupId: GROUP_1 }] };
const registryEndUser: Principal = {
  userId: 'RE0001',
  roles: [{ role: 'REGISTRY_END_USER', organizationId: ORG_A, userGroupId: REGISTRY_GROUP }],
};
const individual: Principal = { userId: 'IP0001', roles: [{ role: 'INDIVIDUAL_PRACTITIONER', organizationId: ORG_A }] };
const nobody: Principal = { userId: 'XX0001', roles: [] };

interface Row {
  role: RegistrationRole;
  request: RoutableRequest;
  route: ApprovalRoute;
  approvers: [string, Principal][];
  refused: [string, Principal][];
}

/** Table 1: who holds and who may decide each kind of request. */
const TABLE: Row[] = [
  {
    role: 'SECURITY_OFFICIAL',
    request: { role: 'SECURITY_OFFICIAL' },
    route: { heldBy: ['HELP_DESK'], approvers: [{ kind: 'HELP_DESK' }] },
    approvers: [['the help desk', helpDesk]],
    refused: [
      ['an SO of an organization', soA],
      ['a BSO', bsoA],
      ['a UGA', ugaG1],
      ['an end user', endUserG1],
      ['a principal without roles', nobody],
    ],
  },
  {
    role: 'BACKUP_SECURITY_OFFICIAL',
    request: { role: 'BACKUP_SECURITY_OFFICIAL', organizationId: ORG_A },
    route: {
      heldBy: ['SECURITY_OFFICIAL'],
      approvers: [{ kind: 'ORGANIZATION_ROLE', roles: ['SECURITY_OFFICIAL'], organizationId: ORG_A }],
    },
    approvers: [["the organization's SO", soA]],
    refused: [
      ["another organization's SO", soB],
      ["the organization's BSO", bsoA],
      ['a UGA of the organization', ugaG1],
      ['an end user of the organization', endUserG1],
      ['the help desk', helpDesk],
      ['a principal without roles', nobody],
    ],
  },
  {
    role: 'USER_GROUP_ADMINISTRATOR',
    request: { role: 'USER_GROUP_ADMINISTRATOR', organizationId: ORG_A },
    route: {
      heldBy: ['SECURITY_OFFICIAL', 'BACKUP_SECURITY_OFFICIAL'],
      approvers: [{ kind: 'ORGANIZATION_ROLE', roles: ['SECURITY_OFFICIAL', 'BACKUP_SECURITY_OFFICIAL'], organizationId: ORG_A }],
    },
    approvers: [
      ["the organization's SO", soA],
      ["the organization's BSO", bsoA],
    ],
    refused: [
      ["another organization's SO", soB],
      ["another organization's BSO", bsoB],
      ['a UGA of the organization', ugaG1],
      ['an end user of the organization', endUserG1],
      ['the help desk', helpDesk],
      ['a principal without roles', nobody],
    ],
  },
  {
    role: 'END_USER',
    request: { role: 'END_USER', organizationId: ORG_A, userGroupId: GROUP_1 },
    route: {
      heldBy: ['USER_GROUP_ADMINISTRATOR'],
      approvers: [{ kind: 'USER_GROUP_ROLE', roles: ['USER_GROUP_ADMINISTRATOR'], userGroupId: GROUP_1 }],
    },
    approvers: [["the group's UGA", ugaG1]],
    refused: [
      ['the UGA of another group', ugaG2],
      ["the organization's SO", soA],
      ["the organization's BSO", bsoA],
      ['an end user of the group', endUserG1],
      ['the help desk', helpDesk],
      ['a principal without roles', nobody],
    ],
  },
  {
    role: 'INDIVIDUAL_PRACTITIONER',
    request: { role: 'INDIVIDUAL_PRACTITIONER' },
    route: { heldBy: ['HELP_DESK'], approvers: [{ kind: 'HELP_DESK' }] },
    approvers: [['the help desk', helpDesk]],
    refused: [
      ['an SO', soA],
      ['a UGA', ugaG1],
      ['another individual practitioner', individual],
      ['an end user', endUserG1],
      ['a principal without roles', nobody],
    ],
  },
  {
    role: 'REGISTRY_END_USER',
    request: { role: 'REGISTRY_END_USER', organizationId: ORG_A, userGroupId: REGISTRY_GROUP },
    route: {
      heldBy: ['USER_GROUP_ADMINISTRATOR'],
      approvers: [{ kind: 'USER_GROUP_ROLE', roles: ['USER_GROUP_ADMINISTRATOR'], userGroupId: REGISTRY_GROUP }],
    },
    approvers: [["the registry group's UGA", ugaRegistry]],
    refused: [
      ['the UGA of another group', ugaG1],
      ["the organization's SO", soA],
      ['a registry end user of the group', registryEndUser],
      ['the help desk', helpDesk],
      ['a principal without roles', nobody],
    ],
  },
];

describe('APPROVAL_TABLE', () => {
  it('has exactly one rule per registration role', () => {
    expect(Object.keys(APPROVAL_TABLE).sort()).toEqual([...REGISTRATION_ROLES].sort());
    expect(TABLE.map((r) => r.role).sort()).toEqual([...REGISTRATION_ROLES].sort());
  });

  it.each(TABLE)('the $role rule is the one approvalRouteFor applies', ({ role, request }) => {
    expect(APPROVAL_TABLE[role](request)).toEqual(approvalRouteFor(request));
  });
});

describe.each(TABLE)('$role request', ({ request, route, approvers, refused }) => {
  it('routes to the approvers of Table 1', () => {
    expect(approvalRouteFor(request)).toEqual(route);
  });

  it.each(approvers)('%s may decide', (_label, principal) => {
    expect(mayDecide(principal, approvalRouteFor(request))).toBe(true);
    expect(mayDecide(principal, approvalRouteFor(request), 'SOMEONE-ELSE')).toBe(true);
  });

  it.each(approvers)('%s may not decide their own request (applicantUserId)', (_label, principal) => {
    expect(mayDecide(principal, approvalRouteFor(request), principal.userId)).toBe(false);
  });

  it.each(refused)('%s may not decide', (_label, principal) => {
    expect(mayDecide(principal, approvalRouteFor(request))).toBe(false);
  });
});

describe('approvalRouteFor', () => {
  it.each(['BACKUP_SECURITY_OFFICIAL', 'USER_GROUP_ADMINISTRATOR'] as const)('a %s request without organizationId throws', (role) => {
    expect(() => approvalRouteFor({ role })).toThrow(`a ${role} request needs organizationId to be routed`);
    // A user group does not stand in for the organization.
    expect(() => approvalRouteFor({ role, userGroupId: GROUP_1 })).toThrow(/needs organizationId/);
  });

  it.each(['END_USER', 'REGISTRY_END_USER'] as const)('a %s request without userGroupId throws', (role) => {
    expect(() => approvalRouteFor({ role })).toThrow(`a ${role} request needs userGroupId to be routed`);
    expect(() => approvalRouteFor({ role, organizationId: ORG_A })).toThrow(/needs userGroupId/);
  });

  it.each(['SECURITY_OFFICIAL', 'INDIVIDUAL_PRACTITIONER'] as const)('a %s request needs neither organization nor group', (role) => {
    expect(approvalRouteFor({ role })).toEqual({ heldBy: ['HELP_DESK'], approvers: [{ kind: 'HELP_DESK' }] });
    // Ids supplied anyway do not narrow the help desk route.
    expect(approvalRouteFor({ role, organizationId: ORG_A, userGroupId: GROUP_1 })).toEqual({
      heldBy: ['HELP_DESK'],
      approvers: [{ kind: 'HELP_DESK' }],
    });
  });
});

describe('mayDecide', () => {
  const bsoRoute = approvalRouteFor({ role: 'BACKUP_SECURITY_OFFICIAL', organizationId: ORG_A });
  const endUserRoute = approvalRouteFor({ role: 'END_USER', organizationId: ORG_A, userGroupId: GROUP_1 });

  it('needs the role and the organization in the same grant', () => {
    const split: Principal = {
      userId: 'MX0001',
      roles: [
        { role: 'SECURITY_OFFICIAL', organizationId: ORG_B },
        { role: 'END_USER', organizationId: ORG_A, userGroupId: GROUP_1 },
      ],
    };
    expect(mayDecide(split, bsoRoute)).toBe(false);
  });

  it('accepts a principal when any one of its grants matches', () => {
    const multi: Principal = {
      userId: 'MX0002',
      roles: [
        { role: 'END_USER', organizationId: ORG_B, userGroupId: GROUP_2 },
        { role: 'SECURITY_OFFICIAL', organizationId: ORG_A },
      ],
    };
    expect(mayDecide(multi, bsoRoute)).toBe(true);
  });

  it('needs the role and the group in the same grant', () => {
    const split: Principal = {
      userId: 'MX0003',
      roles: [
        { role: 'USER_GROUP_ADMINISTRATOR', organizationId: ORG_A, userGroupId: GROUP_2 },
        { role: 'END_USER', organizationId: ORG_A, userGroupId: GROUP_1 },
      ],
    };
    expect(mayDecide(split, endUserRoute)).toBe(false);
  });

  it('does not treat an organization-level grant without the id as matching', () => {
    const soWithoutOrg: Principal = { userId: 'SO0009', roles: [{ role: 'SECURITY_OFFICIAL' }] };
    expect(mayDecide(soWithoutOrg, bsoRoute)).toBe(false);
    const ugaWithoutGroup: Principal = { userId: 'UG0009', roles: [{ role: 'USER_GROUP_ADMINISTRATOR', organizationId: ORG_A }] };
    expect(mayDecide(ugaWithoutGroup, endUserRoute)).toBe(false);
  });

  it('refuses everyone on a route with no approvers', () => {
    expect(mayDecide(helpDesk, { heldBy: [], approvers: [] })).toBe(false);
  });

  it('accepts a principal matching any of several approver selectors', () => {
    const route: ApprovalRoute = {
      heldBy: ['HELP_DESK', 'SECURITY_OFFICIAL'],
      approvers: [{ kind: 'HELP_DESK' }, { kind: 'ORGANIZATION_ROLE', roles: ['SECURITY_OFFICIAL'], organizationId: ORG_A }],
    };
    expect(mayDecide(helpDesk, route)).toBe(true);
    expect(mayDecide(soA, route)).toBe(true);
    expect(mayDecide(soB, route)).toBe(false);
  });

  it('the applicant check only bites on the same user id', () => {
    expect(mayDecide(helpDesk, approvalRouteFor({ role: 'SECURITY_OFFICIAL' }), 'HD0002')).toBe(true);
    expect(mayDecide(helpDesk, approvalRouteFor({ role: 'SECURITY_OFFICIAL' }), 'HD0001')).toBe(false);
  });
});

describe('DECIDING_ROLES', () => {
  /** Every account role some selector of `approvers` selects. */
  const selectedRoles = (approvers: readonly { kind: string; roles?: readonly string[] }[]) =>
    approvers.flatMap((selector) => (selector.kind === 'HELP_DESK' ? ['HELP_DESK'] : (selector.roles ?? [])));

  it('are exactly the roles that Table 1, its escalations and Table 2 select (approvers are looked up by them alone)', () => {
    const selected = new Set<string>();
    for (const role of REGISTRATION_ROLES)
      for (const route of escalationChain({ role, organizationId: 'org', userGroupId: 'group' }))
        for (const r of selectedRoles(route.approvers)) selected.add(r);
    for (const role of APPLICATION_ROLES)
      for (const groupHasApprover of [true, false]) {
        let route: ApplicationRoleRoute | undefined = applicationRoleRouteFor({
          role,
          organizationId: 'org',
          userGroupId: 'group',
          applicationId: 'PECOS',
          groupHasApprover,
        });
        for (; route !== undefined; route = escalateApplicationRoleRoute({ organizationId: 'org' }, route))
          for (const r of selectedRoles(route.approvers)) selected.add(r);
      }
    expect([...selected].sort()).toEqual([...DECIDING_ROLES].sort());
  });

  it('decidingKeys keeps the keys of deciding roles and Application Approver grants only', () => {
    const keys = decidingKeys({
      userId: 'U',
      roles: [
        { role: 'END_USER', organizationId: 'o', userGroupId: 'g' },
        { role: 'USER_GROUP_ADMINISTRATOR', organizationId: 'o', userGroupId: 'g' },
      ],
      applicationRoles: [
        { role: 'APPLICATION_APPROVER', applicationId: 'PECOS', userGroupId: 'g', organizationId: 'o' },
        { role: 'APPLICATION_USER', applicationId: 'eCRS', userGroupId: 'g', organizationId: 'o' },
      ],
    });
    expect(keys.sort()).toEqual(
      ['APPLICATION_APPROVER:PECOS@group:g', 'USER_GROUP_ADMINISTRATOR@group:g', 'USER_GROUP_ADMINISTRATOR@org:o'].sort(),
    );
  });
});
