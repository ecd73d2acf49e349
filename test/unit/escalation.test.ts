/** Escalation of a request waiting too long: the next approvers the tables allow, added to the route. */
import { describe, expect, it } from 'vitest';
import {
  approvalRouteFor,
  mayDecide,
  type ApprovalRoute,
  type ApproverSelector,
  type Principal,
  type RoutableRequest,
} from '../../domain/approval-routing';
import { ESCALATION_TABLE, escalationChain, escalationFor } from '../../domain/escalation';
import { REGISTRATION_ROLES, type RegistrationRole } from '../../domain/roles';

const ORG_A = 'org-a';
const ORG_B = 'org-b';
const GROUP_1 = 'group-1'; // in ORG_A
const REGISTRY_GROUP = 'registry-group'; // in ORG_A, a registry organization

const helpDesk: Principal = { userId: 'HD0001', roles: [{ role: 'HELP_DESK' }] };
const soA: Principal = { userId: 'SO000A', roles: [{ role: 'SECURITY_OFFICIAL', organizationId: ORG_A }] };
const soB: Principal = { userId: 'SO000B', roles: [{ role: 'SECURITY_OFFICIAL', organizationId: ORG_B }] };
const bsoA: Principal = { userId: 'BS000A', roles: [{ role: 'BACKUP_SECURITY_OFFICIAL', organizationId: ORG_A }] };
const ugaG1: Principal = { userId: 'UG0001', roles: [{ role: 'USER_GROUP_ADMINISTRATOR', organizationId: ORG_A, userGroupId: GROUP_1 }] };

const helpDeskRoute: ApprovalRoute = { heldBy: ['HELP_DESK'], approvers: [{ kind: 'HELP_DESK' }] };
const soBsoOfA: ApproverSelector = {
  kind: 'ORGANIZATION_ROLE',
  roles: ['SECURITY_OFFICIAL', 'BACKUP_SECURITY_OFFICIAL'],
  organizationId: ORG_A,
};

const REQUESTS: Record<RegistrationRole, RoutableRequest> = {
  SECURITY_OFFICIAL: { role: 'SECURITY_OFFICIAL' },
  BACKUP_SECURITY_OFFICIAL: { role: 'BACKUP_SECURITY_OFFICIAL', organizationId: ORG_A },
  USER_GROUP_ADMINISTRATOR: { role: 'USER_GROUP_ADMINISTRATOR', organizationId: ORG_A },
  END_USER: { role: 'END_USER', organizationId: ORG_A, userGroupId: GROUP_1 },
  INDIVIDUAL_PRACTITIONER: { role: 'INDIVIDUAL_PRACTITIONER', organizationId: ORG_A },
  REGISTRY_END_USER: { role: 'REGISTRY_END_USER', organizationId: ORG_A, userGroupId: REGISTRY_GROUP },
};

/** The expected chain for each row of Table 1: the route, then each escalation of it. */
const CHAINS: Record<RegistrationRole, ApprovalRoute[]> = {
  END_USER: [
    {
      heldBy: ['USER_GROUP_ADMINISTRATOR'],
      approvers: [{ kind: 'USER_GROUP_ROLE', roles: ['USER_GROUP_ADMINISTRATOR'], userGroupId: GROUP_1 }],
    },
    {
      heldBy: ['USER_GROUP_ADMINISTRATOR', 'SECURITY_OFFICIAL', 'BACKUP_SECURITY_OFFICIAL'],
      approvers: [{ kind: 'USER_GROUP_ROLE', roles: ['USER_GROUP_ADMINISTRATOR'], userGroupId: GROUP_1 }, soBsoOfA],
    },
    {
      heldBy: ['USER_GROUP_ADMINISTRATOR', 'SECURITY_OFFICIAL', 'BACKUP_SECURITY_OFFICIAL', 'HELP_DESK'],
      approvers: [{ kind: 'USER_GROUP_ROLE', roles: ['USER_GROUP_ADMINISTRATOR'], userGroupId: GROUP_1 }, soBsoOfA, { kind: 'HELP_DESK' }],
    },
  ],
  REGISTRY_END_USER: [
    {
      heldBy: ['USER_GROUP_ADMINISTRATOR'],
      approvers: [{ kind: 'USER_GROUP_ROLE', roles: ['USER_GROUP_ADMINISTRATOR'], userGroupId: REGISTRY_GROUP }],
    },
    {
      heldBy: ['USER_GROUP_ADMINISTRATOR', 'SECURITY_OFFICIAL', 'BACKUP_SECURITY_OFFICIAL'],
      approvers: [{ kind: 'USER_GROUP_ROLE', roles: ['USER_GROUP_ADMINISTRATOR'], userGroupId: REGISTRY_GROUP }, soBsoOfA],
    },
    {
      heldBy: ['USER_GROUP_ADMINISTRATOR', 'SECURITY_OFFICIAL', 'BACKUP_SECURITY_OFFICIAL', 'HELP_DESK'],
      approvers: [
        { kind: 'USER_GROUP_ROLE', roles: ['USER_GROUP_ADMINISTRATOR'], userGroupId: REGISTRY_GROUP },
        soBsoOfA,
        { kind: 'HELP_DESK' },
      ],
    },
  ],
  USER_GROUP_ADMINISTRATOR: [
    { heldBy: ['SECURITY_OFFICIAL', 'BACKUP_SECURITY_OFFICIAL'], approvers: [soBsoOfA] },
    { heldBy: ['SECURITY_OFFICIAL', 'BACKUP_SECURITY_OFFICIAL', 'HELP_DESK'], approvers: [soBsoOfA, { kind: 'HELP_DESK' }] },
  ],
  BACKUP_SECURITY_OFFICIAL: [
    { heldBy: ['SECURITY_OFFICIAL'], approvers: [{ kind: 'ORGANIZATION_ROLE', roles: ['SECURITY_OFFICIAL'], organizationId: ORG_A }] },
    {
      heldBy: ['SECURITY_OFFICIAL', 'HELP_DESK'],
      approvers: [{ kind: 'ORGANIZATION_ROLE', roles: ['SECURITY_OFFICIAL'], organizationId: ORG_A }, { kind: 'HELP_DESK' }],
    },
  ],
  SECURITY_OFFICIAL: [helpDeskRoute],
  INDIVIDUAL_PRACTITIONER: [helpDeskRoute],
};

describe('the escalation chain of every registration role of Table 1', () => {
  it('covers every role', () => {
    expect(Object.keys(CHAINS).sort()).toEqual([...REGISTRATION_ROLES].sort());
  });

  it.each(REGISTRATION_ROLES.map((role) => [role] as const))('%s', (role) => {
    const request = REQUESTS[role];
    const chain = CHAINS[role];
    expect(chain[0]).toEqual(approvalRouteFor(request));
    for (let i = 1; i < chain.length; i++) expect(escalationFor(request, chain[i - 1]!)).toEqual(chain[i]);
    expect(escalationFor(request, chain.at(-1)!)).toBeUndefined();
    expect(escalationChain(request)).toEqual(chain);
  });
});

describe('escalationFor', () => {
  const endUser = REQUESTS.END_USER;
  const route = approvalRouteFor(endUser);

  it('adds approvers: the original ones can still decide, the new ones now can too', () => {
    expect(mayDecide(soA, route)).toBe(false);
    const once = escalationFor(endUser, route)!;
    expect(mayDecide(ugaG1, once)).toBe(true);
    expect(mayDecide(soA, once)).toBe(true);
    expect(mayDecide(bsoA, once)).toBe(true);
    expect(mayDecide(soB, once)).toBe(false); // another organization's SO
    expect(mayDecide(helpDesk, once)).toBe(false);
    const twice = escalationFor(endUser, once)!;
    expect([ugaG1, soA, bsoA, helpDesk].map((p) => mayDecide(p, twice))).toEqual([true, true, true, true]);
    expect(mayDecide(soB, twice)).toBe(false);
  });

  it('still refuses the applicant on an escalated route', () => {
    const once = escalationFor(REQUESTS.USER_GROUP_ADMINISTRATOR, approvalRouteFor(REQUESTS.USER_GROUP_ADMINISTRATOR))!;
    expect(mayDecide(soA, once, soA.userId)).toBe(false);
  });

  it('does not modify the current route', () => {
    const copy = structuredClone(route);
    escalationFor(endUser, route);
    expect(route).toEqual(copy);
  });

  it('escalates from the highest approver already on the route', () => {
    const mixed: ApprovalRoute = {
      heldBy: ['USER_GROUP_ADMINISTRATOR', 'HELP_DESK'],
      approvers: [...route.approvers, { kind: 'HELP_DESK' }],
    };
    expect(escalationFor(endUser, mixed)).toBeUndefined();
  });

  it('does not escalate a route without approvers', () => {
    expect(escalationFor(endUser, { heldBy: [], approvers: [] })).toBeUndefined();
  });

  it("needs the request's organization to escalate a group's UGA", () => {
    const withoutOrganization: RoutableRequest = { role: 'END_USER', userGroupId: GROUP_1 };
    expect(() => escalationFor(withoutOrganization, approvalRouteFor(withoutOrganization))).toThrow(/organizationId/);
  });
});

describe('ESCALATION_TABLE', () => {
  it('goes from a group role to the organization officials, from them to the Help Desk, and stops there', () => {
    expect(ESCALATION_TABLE.USER_GROUP_ROLE?.heldBy).toEqual(['SECURITY_OFFICIAL', 'BACKUP_SECURITY_OFFICIAL']);
    expect(ESCALATION_TABLE.USER_GROUP_ROLE?.approvers({ role: 'END_USER', organizationId: ORG_B, userGroupId: GROUP_1 })).toEqual([
      { kind: 'ORGANIZATION_ROLE', roles: ['SECURITY_OFFICIAL', 'BACKUP_SECURITY_OFFICIAL'], organizationId: ORG_B },
    ]);
    expect(ESCALATION_TABLE.ORGANIZATION_ROLE?.approvers({ role: 'BACKUP_SECURITY_OFFICIAL', organizationId: ORG_A })).toEqual([
      { kind: 'HELP_DESK' },
    ]);
    expect(ESCALATION_TABLE.HELP_DESK).toBeUndefined();
  });
});
