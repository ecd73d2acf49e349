/** The routing keys the approver queue is indexed by say exactly what `mayDecide` says. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  mayDecideApplicationRole,
  principalKeys,
  routeKeys,
  type ApplicationRolePrincipal,
  type ApplicationRoleRoute,
} from '../../domain/approval-routing';
import type { AccountRole } from '../../domain/roles';

const ROLES: AccountRole[] = ['SECURITY_OFFICIAL', 'BACKUP_SECURITY_OFFICIAL', 'USER_GROUP_ADMINISTRATOR', 'END_USER', 'HELP_DESK'];
const id = fc.constantFrom('a', 'b');
const role = fc.constantFrom(...ROLES);

const principal: fc.Arbitrary<ApplicationRolePrincipal> = fc.record({
  userId: fc.constantFrom('U1', 'U2'),
  roles: fc.array(fc.record({ role, organizationId: fc.option(id, { nil: undefined }), userGroupId: fc.option(id, { nil: undefined }) }), {
    maxLength: 3,
  }),
  applicationRoles: fc.array(
    fc.record({
      role: fc.constantFrom('APPLICATION_APPROVER' as const, 'APPLICATION_USER' as const),
      applicationId: fc.constantFrom('PECOS', 'HETS'),
      userGroupId: id,
      organizationId: id,
    }),
    { maxLength: 2 },
  ),
});

const route: fc.Arbitrary<ApplicationRoleRoute> = fc.record({
  heldBy: fc.constant(['HELP_DESK' as const]),
  approvers: fc.array(
    fc.oneof(
      fc.constant({ kind: 'HELP_DESK' as const }),
      fc.record({ kind: fc.constant('ORGANIZATION_ROLE' as const), roles: fc.subarray(ROLES, { minLength: 1 }), organizationId: id }),
      fc.record({ kind: fc.constant('USER_GROUP_ROLE' as const), roles: fc.subarray(ROLES, { minLength: 1 }), userGroupId: id }),
      fc.record({ kind: fc.constant('APPLICATION_APPROVER' as const), applicationId: fc.constantFrom('PECOS', 'HETS'), userGroupId: id }),
    ),
    { minLength: 1, maxLength: 3 },
  ),
});

describe('routing keys', () => {
  it('a principal shares a key with a route exactly when it may decide it', () => {
    fc.assert(
      fc.property(principal, route, fc.constantFrom('U1', 'U2', undefined), (p, r, applicant) => {
        const keys = new Set(principalKeys(p));
        const keyed = p.userId !== applicant && routeKeys(r).some((k) => keys.has(k));
        expect(keyed).toBe(mayDecideApplicationRole(p, r, applicant));
      }),
      { numRuns: 2000 },
    );
  });

  it('names the Help Desk, an organization role and a group role as strings', () => {
    expect(
      routeKeys({
        approvers: [
          { kind: 'HELP_DESK' },
          { kind: 'ORGANIZATION_ROLE', roles: ['SECURITY_OFFICIAL'], organizationId: 'o1' },
          { kind: 'USER_GROUP_ROLE', roles: ['USER_GROUP_ADMINISTRATOR'], userGroupId: 'g1' },
        ],
      }),
    ).toEqual(['HELP_DESK', 'SECURITY_OFFICIAL@org:o1', 'USER_GROUP_ADMINISTRATOR@group:g1']);
  });
});
