/**
 * The applicant's forms in the console give the JSON routes the bodies they take, role by role,
 * and the API's problem paths land on the form's fields.
 */
import { describe, expect, it } from 'vitest';
import { detailsBodyOf, detailsShapeOf, formValuesOf, onDetailsFields, registrationBodyOf } from '../../api/console/applicant-forms';
import { REGISTRATION_ROLES, type RegistrationRole } from '../../domain/roles';
import { detailsSchemaFor, newRegistrationSchema } from '../../domain/schemas';

const ORG = 'a'.repeat(24);
const GROUP = 'b'.repeat(24);

const contactForm = {
  'contact.phone': '+1 410 555 0100',
  'contact.address.line1': '7500 Security Blvd',
  'contact.address.line2': '',
  'contact.address.city': 'Baltimore',
  'contact.address.state': 'MD',
  'contact.address.postalCode': '21244',
  'contact.address.country': 'US',
  justification: 'I handle Medicare claims.',
};

/** A form filled in as a person in each role fills it in. */
const FORMS: Record<RegistrationRole, Record<string, string>> = {
  SECURITY_OFFICIAL: {
    ...contactForm,
    'organization.name': 'New Clinic',
    'organization.country': 'US',
    'organization.state': 'MD',
    'organization.providerType': 'HOSPITAL',
  },
  BACKUP_SECURITY_OFFICIAL: { ...contactForm, organizationId: ORG },
  USER_GROUP_ADMINISTRATOR: { ...contactForm, organizationId: ORG, 'userGroup.name': 'Billing', 'userGroup.kind': 'PROVIDER' },
  END_USER: { ...contactForm, membership: `${ORG}/${GROUP}` },
  INDIVIDUAL_PRACTITIONER: { ...contactForm, organizationId: '' },
  REGISTRY_END_USER: { ...contactForm, membership: `${ORG}/${GROUP}` },
};

describe("the applicant's forms", () => {
  it('the identity form is the body of POST /registrations', () => {
    const body = registrationBodyOf({
      community: 'PROVIDER_SUPPLIER',
      role: 'END_USER',
      'acceptedTerms.privacyAct': 'true',
      'acceptedTerms.role': 'true',
      'identity.firstName': 'Avery',
      'identity.lastName': 'Testwell',
      'identity.dateOfBirth': '1980-01-15',
      'identity.ssn': '900-12-0001',
      email: 'avery@example.test',
    });
    expect(newRegistrationSchema.safeParse(body).success).toBe(true);
    // An unticked box is not an acceptance.
    const refused = newRegistrationSchema.safeParse(registrationBodyOf({ community: 'PROVIDER_SUPPLIER', role: 'END_USER' }));
    expect(refused.error?.issues.map((i) => i.path.join('.'))).toEqual(
      expect.arrayContaining(['acceptedTerms.privacyAct', 'acceptedTerms.role', 'identity.ssn', 'email']),
    );
  });

  it.each(REGISTRATION_ROLES)('the details form of a %s is a body its schema accepts, and comes back for Edit', (role) => {
    const body = detailsBodyOf(role, FORMS[role]);
    const parsed = detailsSchemaFor(role).safeParse(body);
    expect(parsed.error?.issues ?? []).toEqual([]);
    const values = formValuesOf(parsed.data!);
    for (const [name, value] of Object.entries(FORMS[role])) expect(values[name]).toBe(value);
  });

  it('an End User chooses organization and group at once: both problems show on that one choice', () => {
    expect(detailsShapeOf('END_USER').membership).toBe(true);
    const body = detailsBodyOf('END_USER', { ...contactForm, membership: '' });
    expect(body).not.toHaveProperty('organizationId');
    const issues = detailsSchemaFor('END_USER').safeParse(body).error?.issues ?? [];
    const errors = onDetailsFields(
      'END_USER',
      issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    );
    expect([...errors.keys()]).toEqual(['membership']);
    expect(errors.get('membership')).toHaveLength(2);
  });

  it('a field the API names that the form does not show goes to the summary', () => {
    const errors = onDetailsFields('BACKUP_SECURITY_OFFICIAL', [
      { path: 'contact.address.postalCode', message: 'must be a postal code' },
      { path: 'userGroup', message: 'is not accepted for BACKUP_SECURITY_OFFICIAL' },
    ]);
    expect(errors.get('contact.address.postalCode')).toEqual(['must be a postal code']);
    expect(errors.get('')).toEqual(['userGroup: is not accepted for BACKUP_SECURITY_OFFICIAL']);
  });
});
