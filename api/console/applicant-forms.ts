/**
 * The applicant's forms and the JSON bodies of the routes they stand for: each field is named by
 * the path the API's problem+json gives for it (`identity.ssn`, `contact.address.postalCode`), so
 * a refusal lands next to its field. Mapping only; which fields a role gives, and every rule, are
 * the API's (`newRegistrationSchema`, `DETAILS_FIELDS_BY_ROLE`, `detailsSchemaFor`).
 */
import { z } from 'zod';
import type { RegistrationRole } from '../../domain/roles';
import { DETAILS_FIELDS_BY_ROLE, newRegistrationSchema, type FieldError, type RegistrationDetails } from '../../domain/schemas';
import type { RegistrationView } from '../../workflows/messages';
import { errorsByField, type ErrorsByField } from './layout';

export const APPLY = '/console/apply';

/** Where each status continues. */
export function stepFor(status: RegistrationView['status']): string {
  if (status === 'VALIDATING_IDENTITY' || status === 'AWAITING_EMAIL_VERIFICATION') return `${APPLY}/email`;
  if (status === 'AWAITING_DETAILS') return `${APPLY}/details`;
  return `${APPLY}/status`;
}

// ---- the choices before a registration exists: community and Privacy Act, then the role -----------
const asked = newRegistrationSchema.shape;
export const communityStepSchema = z.object({ community: asked.community, acceptedTerms: asked.acceptedTerms.pick({ privacyAct: true }) });
export const roleStepSchema = communityStepSchema.extend({ role: asked.role });
export type RoleStep = z.infer<typeof roleStepSchema>;
/** What a page shows of the choices so far, valid or not. */
export interface Choices {
  community?: string;
  acceptedTerms?: { privacyAct?: boolean };
  role?: string;
}

const blankToUndefined = (value: string | undefined) => (value === undefined || value.trim() === '' ? undefined : value);
export const choicesOf = (f: Record<string, string>): Choices & { acceptedTerms: { privacyAct: boolean } } => ({
  community: blankToUndefined(f.community),
  acceptedTerms: { privacyAct: f['acceptedTerms.privacyAct'] === 'true' },
  role: blankToUndefined(f.role),
});
export const stepQuery = (choice: Choices) =>
  new URLSearchParams({
    ...(choice.community && { community: choice.community }),
    ...(choice.acceptedTerms?.privacyAct && { 'acceptedTerms.privacyAct': 'true' }),
    ...(choice.role && { role: choice.role }),
  }).toString();

export const IDENTITY_FIELDS = [
  'identity.firstName',
  'identity.lastName',
  'identity.dateOfBirth',
  'identity.ssn',
  'email',
  'acceptedTerms.role',
];

// ---- the details form: the API's paths are the fields' names -----------------------------------------
const CONTACT_FIELDS = [
  'contact.phone',
  'contact.address.line1',
  'contact.address.line2',
  'contact.address.city',
  'contact.address.state',
  'contact.address.postalCode',
  'contact.address.country',
];
const SEARCH_FIELDS = ['search.name', 'search.country', 'search.state'];
/** Roles that join a user group choose the organization and group together: one choice cannot name a group of another organization. */
export const MEMBERSHIP = 'membership';

export function detailsShapeOf(role: RegistrationRole) {
  const { required, optional } = DETAILS_FIELDS_BY_ROLE[role];
  const wants = (f: (typeof required)[number]) => required.includes(f) || optional.includes(f);
  return {
    newOrganization: wants('organization'),
    membership: wants('userGroupId'),
    organizationSearch: wants('organizationId'),
    organizationOptional: optional.includes('organizationId'),
    newUserGroup: wants('userGroup'),
  };
}

function detailsFieldsOf(role: RegistrationRole): string[] {
  const shape = detailsShapeOf(role);
  return [
    ...CONTACT_FIELDS,
    ...(shape.newOrganization ? ['organization.name', 'organization.country', 'organization.state', 'organization.providerType'] : []),
    ...(shape.organizationSearch ? [...SEARCH_FIELDS, shape.membership ? MEMBERSHIP : 'organizationId'] : []),
    ...(shape.newUserGroup ? ['userGroup.name', 'userGroup.kind'] : []),
    'justification',
  ];
}

/** The body of `PUT /registrations/:id/details` from the form: a field left empty is a field not given. */
export function detailsBodyOf(role: RegistrationRole, f: Record<string, string>): Record<string, unknown> {
  const shape = detailsShapeOf(role);
  const given = (name: string) => blankToUndefined(f[name]);
  const body: Record<string, unknown> = {
    contact: {
      phone: f['contact.phone'] ?? '',
      address: {
        line1: f['contact.address.line1'] ?? '',
        ...(given('contact.address.line2') && { line2: f['contact.address.line2'] }),
        city: f['contact.address.city'] ?? '',
        state: f['contact.address.state'] ?? '',
        postalCode: f['contact.address.postalCode'] ?? '',
        country: f['contact.address.country'] ?? '',
      },
    },
    justification: f.justification ?? '',
  };
  if (shape.membership) {
    const [organizationId, userGroupId] = (given(MEMBERSHIP) ?? '').split('/');
    if (organizationId) body.organizationId = organizationId;
    if (userGroupId) body.userGroupId = userGroupId;
  } else if (shape.organizationSearch && given('organizationId')) body.organizationId = f.organizationId;
  if (shape.newOrganization)
    body.organization = {
      name: f['organization.name'] ?? '',
      country: f['organization.country'] ?? '',
      state: f['organization.state'] ?? '',
      providerType: f['organization.providerType'] ?? '',
    };
  if (shape.newUserGroup) body.userGroup = { name: f['userGroup.name'] ?? '', kind: f['userGroup.kind'] ?? '' };
  return body;
}

/** The form's values from details the workflow accepted (Edit). */
export function formValuesOf(d: RegistrationDetails): Record<string, string> {
  const a = d.contact.address;
  return {
    'contact.phone': d.contact.phone,
    'contact.address.line1': a.line1,
    'contact.address.line2': a.line2 ?? '',
    'contact.address.city': a.city,
    'contact.address.state': a.state,
    'contact.address.postalCode': a.postalCode,
    'contact.address.country': a.country,
    organizationId: d.organizationId ?? '',
    [MEMBERSHIP]: d.organizationId && d.userGroupId ? `${d.organizationId}/${d.userGroupId}` : '',
    'organization.name': d.organization?.name ?? '',
    'organization.country': d.organization?.country ?? '',
    'organization.state': d.organization?.state ?? '',
    'organization.providerType': d.organization?.providerType ?? '',
    'userGroup.name': d.userGroup?.name ?? '',
    'userGroup.kind': d.userGroup?.kind ?? '',
    justification: d.justification,
  };
}

/** The API names `organizationId`/`userGroupId`; a role that chooses both at once sees them on its one choice. */
export function onDetailsFields(role: RegistrationRole, errors: readonly FieldError[]): ErrorsByField {
  const membership = detailsShapeOf(role).membership;
  const moved = errors.map((e) =>
    membership && (e.path === 'organizationId' || e.path === 'userGroupId') ? { ...e, path: MEMBERSHIP } : e,
  );
  return errorsByField(moved, detailsFieldsOf(role));
}

/** The body of `POST /registrations` from the identity form (the choices so far ride along in hidden fields). */
export function registrationBodyOf(f: Record<string, string>): Record<string, unknown> {
  const choices = choicesOf(f);
  return {
    community: choices.community,
    role: choices.role,
    acceptedTerms: { privacyAct: choices.acceptedTerms.privacyAct, role: f['acceptedTerms.role'] === 'true' },
    identity: {
      firstName: f['identity.firstName'] ?? '',
      lastName: f['identity.lastName'] ?? '',
      dateOfBirth: f['identity.dateOfBirth'] ?? '',
      ssn: f['identity.ssn'] ?? '',
    },
    email: f.email ?? '',
  };
}

/** The query of `GET /organizations` from the form's search fields. */
export const searchInputOf = (f: Record<string, string>) => ({
  ...(blankToUndefined(f['search.name']) && { name: f['search.name'] }),
  ...(blankToUndefined(f['search.country']) && { country: f['search.country'] }),
  ...(blankToUndefined(f['search.state']) && { state: f['search.state'] }),
});
