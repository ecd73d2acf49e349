/** The edge schemas (zod) and the password rules. */
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { passwordProblems } from '../../domain/password-policy';
import { REGISTRATION_ROLES, type RegistrationRole } from '../../domain/roles';
import {
  decisionSchema,
  DETAILS_FIELDS_BY_ROLE,
  detailsSchemaFor,
  emailCodeSchema,
  fieldErrors,
  loginSchema,
  newRegistrationSchema,
  organizationSearchSchema,
  questionAnswersSchema,
  type FieldError,
} from '../../domain/schemas';
import { applicationRoleRequestSchema } from '../../domain/application-roles';
import { TEXT_LIMITS } from '../../domain/text';

/** The field errors of a parse that must fail. */
function errorsOf(schema: z.ZodType, value: unknown, prefix?: string): FieldError[] {
  const result = schema.safeParse(value);
  expect(result.success).toBe(false);
  if (result.success) return [];
  return fieldErrors(result.error, prefix);
}
const pathsOf = (schema: z.ZodType, value: unknown): string[] => errorsOf(schema, value).map((e) => e.path);

function parsed<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw new Error(`expected a valid value, got ${JSON.stringify(fieldErrors(result.error))}`);
  return result.data;
}

// ---------------------------------------------------------------------------------------------
// newRegistrationSchema
// ---------------------------------------------------------------------------------------------

const REGISTRATION = {
  community: 'PROVIDER_SUPPLIER',
  role: 'END_USER',
  acceptedTerms: { privacyAct: true, role: true },
  identity: { firstName: 'Ann', lastName: 'Lee', dateOfBirth: '1980-05-17', ssn: '123-45-6789' },
  email: 'ann.lee@example.org',
};
const withIdentity = (identity: Partial<Record<keyof typeof REGISTRATION.identity, unknown>>) => ({
  ...REGISTRATION,
  identity: { ...REGISTRATION.identity, ...identity },
});

describe('newRegistrationSchema', () => {
  it('accepts a complete registration', () => {
    expect(parsed(newRegistrationSchema, REGISTRATION)).toEqual(REGISTRATION);
  });

  it.each(REGISTRATION_ROLES)('accepts the role %s', (role) => {
    expect(parsed(newRegistrationSchema, { ...REGISTRATION, role }).role).toBe(role);
  });

  it('trims names', () => {
    const data = parsed(newRegistrationSchema, withIdentity({ firstName: '  Ann ', lastName: ' Lee' }));
    expect(data.identity.firstName).toBe('Ann');
    expect(data.identity.lastName).toBe('Lee');
  });

  it('reports every missing field with its dotted path', () => {
    expect(pathsOf(newRegistrationSchema, {}).sort()).toEqual(['acceptedTerms', 'community', 'email', 'identity', 'role']);
    expect(pathsOf(newRegistrationSchema, { ...REGISTRATION, identity: {} }).sort()).toEqual([
      'identity.dateOfBirth',
      'identity.firstName',
      'identity.lastName',
      'identity.ssn',
    ]);
  });

  it('refuses an unknown community and an unknown role', () => {
    expect(pathsOf(newRegistrationSchema, { ...REGISTRATION, community: 'MEDICAID' })).toEqual(['community']);
    expect(pathsOf(newRegistrationSchema, { ...REGISTRATION, role: 'HELP_DESK' })).toEqual(['role']);
  });

  it.each([
    ['privacyAct', { privacyAct: false, role: true }, 'the Privacy Act terms must be accepted'],
    ['role', { privacyAct: true, role: false }, "the role's terms must be accepted"],
    ['privacyAct', { role: true }, 'the Privacy Act terms must be accepted'],
  ])('refuses terms not accepted (%s)', (field, acceptedTerms, message) => {
    expect(errorsOf(newRegistrationSchema, { ...REGISTRATION, acceptedTerms })).toEqual([{ path: `acceptedTerms.${field}`, message }]);
  });

  it.each([
    ['123-45-6789', true],
    ['000-00-0000', true],
    ['123456789', false],
    ['123-456-789', false],
    ['12-345-6789', false],
    ['123-45-678a', false],
    [' 123-45-6789', false],
    ['123-45-67890', false],
  ])('SSN %j valid: %s', (ssn, ok) => {
    const result = newRegistrationSchema.safeParse(withIdentity({ ssn }));
    expect(result.success).toBe(ok);
    if (!result.success) expect(fieldErrors(result.error)).toEqual([{ path: 'identity.ssn', message: 'must look like NNN-NN-NNNN' }]);
  });

  it('requires a name of 1 to 100 characters after trimming', () => {
    expect(errorsOf(newRegistrationSchema, withIdentity({ firstName: '   ' }))).toEqual([
      { path: 'identity.firstName', message: 'is required' },
    ]);
    expect(errorsOf(newRegistrationSchema, withIdentity({ lastName: 'x'.repeat(101) }))).toEqual([
      { path: 'identity.lastName', message: 'is at most 100 characters' },
    ]);
    expect(parsed(newRegistrationSchema, withIdentity({ lastName: 'x'.repeat(100) })).identity.lastName).toHaveLength(100);
  });

  describe('date of birth', () => {
    const today = new Date().toISOString().slice(0, 10);
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

    it.each(['1900-01-01', '1980-05-17', '2000-02-29'])('accepts %s', (dateOfBirth) => {
      expect(newRegistrationSchema.safeParse(withIdentity({ dateOfBirth })).success).toBe(true);
    });

    it('accepts yesterday', () => {
      expect(newRegistrationSchema.safeParse(withIdentity({ dateOfBirth: yesterday })).success).toBe(true);
    });

    it.each([
      ['today', today],
      ['a future date', '2999-01-01'],
      ['a date before 1900', '1899-12-31'],
    ])('refuses %s', (_label, dateOfBirth) => {
      expect(errorsOf(newRegistrationSchema, withIdentity({ dateOfBirth }))).toEqual([
        { path: 'identity.dateOfBirth', message: 'must be a past date after 1900' },
      ]);
    });

    it.each(['17/05/1980', '1980-5-17', '1980-13-01', '1980-02-30', '1981-02-29', '1980-05-17T00:00:00Z', ''])(
      'refuses the malformed %j',
      (dateOfBirth) => {
        // zod 4 still runs the range refinement after a format failure, so strings that also sort
        // outside 1900..today (e.g. '17/05/1980', '') get the range message as well.
        const errors = errorsOf(newRegistrationSchema, withIdentity({ dateOfBirth }));
        expect(new Set(errors.map((e) => e.path))).toEqual(new Set(['identity.dateOfBirth']));
        expect(errors[0]).toEqual({ path: 'identity.dateOfBirth', message: 'must be a date YYYY-MM-DD' });
      },
    );
  });

  it.each(['not-an-email', 'a@', '@example.org', 'a b@example.org'])('refuses the email %j', (email) => {
    expect(errorsOf(newRegistrationSchema, { ...REGISTRATION, email })).toEqual([{ path: 'email', message: 'must be an email address' }]);
  });

  it('refuses an email longer than 254 characters', () => {
    const email = `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.org`;
    expect(email.length).toBeGreaterThan(254);
    expect(pathsOf(newRegistrationSchema, { ...REGISTRATION, email })).toEqual(['email']);
  });

  it('rejects unknown fields at every level (strict)', () => {
    expect(errorsOf(newRegistrationSchema, { ...REGISTRATION, admin: true })).toEqual([
      { path: '(body)', message: 'Unrecognized key: "admin"' },
    ]);
    expect(pathsOf(newRegistrationSchema, withIdentity({ middleName: 'Q' } as never))).toEqual(['identity']);
    expect(pathsOf(newRegistrationSchema, { ...REGISTRATION, acceptedTerms: { privacyAct: true, role: true, marketing: true } })).toEqual([
      'acceptedTerms',
    ]);
  });

  it('reports all problems at once, each under its own dotted path', () => {
    const errors = errorsOf(newRegistrationSchema, {
      ...REGISTRATION,
      acceptedTerms: { privacyAct: true, role: false },
      identity: { firstName: ' ', lastName: 'Lee', dateOfBirth: '2999-01-01', ssn: '123456789' },
      email: 'nope',
    });
    expect(errors.map((e) => e.path).sort()).toEqual([
      'acceptedTerms.role',
      'email',
      'identity.dateOfBirth',
      'identity.firstName',
      'identity.ssn',
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// detailsSchemaFor
// ---------------------------------------------------------------------------------------------

const ORG_ID = '64b7f0c2a1b2c3d4e5f60701';
const GROUP_ID = '64b7f0c2a1b2c3d4e5f60711';
const BASE_DETAILS = {
  contact: {
    phone: '+1 (410) 555-0100',
    address: { line1: '7500 Security Blvd', city: 'Baltimore', state: 'MD', postalCode: '21244', country: 'US' },
  },
  justification: 'I submit claims for the practice.',
};
const FIELD_VALUES = {
  organizationId: ORG_ID,
  organization: { name: 'General Hospital', country: 'US', state: 'MD', providerType: 'HOSPITAL' },
  userGroupId: GROUP_ID,
  userGroup: { name: 'Billing', kind: 'PROVIDER' },
} as const;
type Field = keyof typeof FIELD_VALUES;
const FIELDS = Object.keys(FIELD_VALUES) as Field[];

const detailsWith = (fields: readonly Field[]) => ({ ...BASE_DETAILS, ...Object.fromEntries(fields.map((f) => [f, FIELD_VALUES[f]])) });

describe('DETAILS_FIELDS_BY_ROLE', () => {
  it('matches shared/API.md for every role', () => {
    expect(DETAILS_FIELDS_BY_ROLE).toEqual({
      SECURITY_OFFICIAL: { required: ['organization'], optional: [] },
      BACKUP_SECURITY_OFFICIAL: { required: ['organizationId'], optional: [] },
      USER_GROUP_ADMINISTRATOR: { required: ['organizationId', 'userGroup'], optional: [] },
      END_USER: { required: ['organizationId', 'userGroupId'], optional: [] },
      INDIVIDUAL_PRACTITIONER: { required: [], optional: ['organizationId'] },
      REGISTRY_END_USER: { required: ['organizationId', 'userGroupId'], optional: [] },
    });
  });
});

describe.each(REGISTRATION_ROLES.map((role) => ({ role, ...DETAILS_FIELDS_BY_ROLE[role] })))(
  'detailsSchemaFor($role)',
  ({ role, required, optional }: { role: RegistrationRole; required: Field[]; optional: Field[] }) => {
    const schema = detailsSchemaFor(role);
    const forbidden = FIELDS.filter((f) => !required.includes(f) && !optional.includes(f));

    it('accepts exactly the required fields', () => {
      const data = parsed(schema, detailsWith(required));
      for (const f of required) expect(data[f]).toEqual(FIELD_VALUES[f]);
      for (const f of [...optional, ...forbidden]) expect(data[f]).toBeUndefined();
    });

    if (optional.length > 0) {
      it('accepts the optional fields too', () => {
        const data = parsed(schema, detailsWith([...required, ...optional]));
        for (const f of optional) expect(data[f]).toEqual(FIELD_VALUES[f]);
      });
    }

    it.each(required)('refuses details without %s', (field) => {
      const fields = required.filter((f) => f !== field);
      expect(errorsOf(schema, detailsWith(fields))).toEqual([{ path: field, message: `is required for ${role}` }]);
    });

    it.each(forbidden)('refuses details with %s', (field) => {
      expect(errorsOf(schema, detailsWith([...required, field]))).toEqual([{ path: field, message: `is not accepted for ${role}` }]);
    });

    it('reports every missing and every forbidden field together', () => {
      const errors = errorsOf(schema, detailsWith(forbidden));
      expect(errors.map((e) => e.path).sort()).toEqual([...required, ...forbidden].sort());
    });
  },
);

describe('detailsSchemaFor: field formats', () => {
  const endUser = detailsSchemaFor('END_USER');
  const so = detailsSchemaFor('SECURITY_OFFICIAL');
  const uga = detailsSchemaFor('USER_GROUP_ADMINISTRATOR');
  const endUserDetails = detailsWith(['organizationId', 'userGroupId']);

  it('a user group administrator may name any group kind; which kind fits the organization is checked against it', () => {
    for (const kind of ['PROVIDER', 'SURROGATE', 'REGISTRY']) {
      expect(uga.safeParse({ ...detailsWith(['organizationId']), userGroup: { name: 'G', kind } }).success).toBe(true);
    }
  });

  it('refuses an unknown group kind', () => {
    expect(pathsOf(uga, { ...detailsWith(['organizationId']), userGroup: { name: 'G', kind: 'CLUB' } })).toEqual(['userGroup.kind']);
  });

  it.each([
    '64B7F0C2A1B2C3D4E5F60701',
    '64b7f0c2a1b2c3d4e5f6070',
    '64b7f0c2a1b2c3d4e5f607011',
    'zzb7f0c2a1b2c3d4e5f60701',
    'General Hospital',
  ])('refuses the organizationId %j', (organizationId) => {
    expect(errorsOf(endUser, { ...endUserDetails, organizationId })).toEqual([
      { path: 'organizationId', message: 'must be an identifier returned by the API' },
    ]);
  });

  it('refuses a malformed userGroupId', () => {
    expect(errorsOf(endUser, { ...endUserDetails, userGroupId: 'group-1' })).toEqual([
      { path: 'userGroupId', message: 'must be an identifier returned by the API' },
    ]);
  });

  it.each(['+1 (410) 555-0100', '410.555.0100', '4105550100'])('accepts the phone %j', (phone) => {
    expect(endUser.safeParse({ ...endUserDetails, contact: { ...BASE_DETAILS.contact, phone } }).success).toBe(true);
  });

  it.each(['555-01', 'call me', '+1 410 555 0100 ext 5', '1'.repeat(21)])('refuses the phone %j', (phone) => {
    expect(errorsOf(endUser, { ...endUserDetails, contact: { ...BASE_DETAILS.contact, phone } })).toEqual([
      { path: 'contact.phone', message: 'must be a phone number' },
    ]);
  });

  it('upper-cases the 2-letter country and refuses other lengths', () => {
    const address = { ...BASE_DETAILS.contact.address, country: 'us' };
    expect(parsed(endUser, { ...endUserDetails, contact: { ...BASE_DETAILS.contact, address } }).contact.address.country).toBe('US');
    expect(errorsOf(endUser, { ...endUserDetails, contact: { ...BASE_DETAILS.contact, address: { ...address, country: 'USA' } } })).toEqual(
      [{ path: 'contact.address.country', message: 'must be a 2-letter country code' }],
    );
  });

  it('refuses a malformed postal code and a missing city', () => {
    const address = { ...BASE_DETAILS.contact.address, postalCode: '21244!', city: ' ' };
    const errors = errorsOf(endUser, { ...endUserDetails, contact: { ...BASE_DETAILS.contact, address } });
    expect(errors).toEqual(
      expect.arrayContaining([
        { path: 'contact.address.postalCode', message: 'must be a postal code' },
        { path: 'contact.address.city', message: 'is required' },
      ]),
    );
    expect(errors).toHaveLength(2);
  });

  it('requires a justification of at most 2000 characters', () => {
    expect(errorsOf(endUser, { ...endUserDetails, justification: '  ' })).toEqual([{ path: 'justification', message: 'is required' }]);
    expect(pathsOf(endUser, { ...endUserDetails, justification: 'j'.repeat(2001) })).toEqual(['justification']);
    expect(endUser.safeParse({ ...endUserDetails, justification: 'j'.repeat(2000) }).success).toBe(true);
    const { justification: _j, ...withoutJustification } = endUserDetails;
    expect(pathsOf(endUser, withoutJustification)).toEqual(['justification']);
  });

  it('requires the contact', () => {
    const { contact: _c, ...withoutContact } = endUserDetails;
    expect(pathsOf(endUser, withoutContact)).toEqual(['contact']);
  });

  it('validates a new organization', () => {
    const organization = { name: ' ', country: 'USA', state: 'M', providerType: 'BAKERY' };
    expect(pathsOf(so, { ...BASE_DETAILS, organization }).sort()).toEqual([
      'organization.country',
      'organization.name',
      'organization.providerType',
      'organization.state',
    ]);
  });

  it('leaves the DMEPOS refusal to the rules step: the schema accepts the provider type', () => {
    // shared/API.md: DMEPOS suppliers end in REJECTED with a clear reason, not a 400.
    const organization = { ...FIELD_VALUES.organization, providerType: 'DMEPOS_SUPPLIER' };
    expect(parsed(so, { ...BASE_DETAILS, organization }).organization?.providerType).toBe('DMEPOS_SUPPLIER');
  });

  it('rejects unknown fields at every level (strict)', () => {
    expect(errorsOf(endUser, { ...endUserDetails, role: 'HELP_DESK' })).toEqual([{ path: '(body)', message: 'Unrecognized key: "role"' }]);
    expect(pathsOf(endUser, { ...endUserDetails, contact: { ...BASE_DETAILS.contact, fax: '1' } })).toEqual(['contact']);
    expect(
      pathsOf(endUser, {
        ...endUserDetails,
        contact: { ...BASE_DETAILS.contact, address: { ...BASE_DETAILS.contact.address, county: 'X' } },
      }),
    ).toEqual(['contact.address']);
    expect(pathsOf(so, { ...BASE_DETAILS, organization: { ...FIELD_VALUES.organization, npi: '1' } })).toEqual(['organization']);
  });
});

// ---------------------------------------------------------------------------------------------
// decisionSchema, emailCodeSchema, questionAnswersSchema
// ---------------------------------------------------------------------------------------------

describe('decisionSchema', () => {
  it('accepts an approval with or without a reason', () => {
    expect(parsed(decisionSchema, { decision: 'APPROVE' })).toEqual({ decision: 'APPROVE' });
    expect(parsed(decisionSchema, { decision: 'APPROVE', reason: ' Known to me ' })).toEqual({
      decision: 'APPROVE',
      reason: 'Known to me',
    });
  });

  it('accepts a denial with a reason', () => {
    expect(parsed(decisionSchema, { decision: 'DENY', reason: 'Not employed here' })).toEqual({
      decision: 'DENY',
      reason: 'Not employed here',
    });
  });

  it('requires a reason to deny', () => {
    expect(errorsOf(decisionSchema, { decision: 'DENY' })).toEqual([{ path: 'reason', message: 'is required to deny' }]);
  });

  it('does not take a blank reason as a reason', () => {
    expect(pathsOf(decisionSchema, { decision: 'DENY', reason: '   ' })).toEqual(['reason']);
  });

  it('limits the reason to 1000 characters', () => {
    expect(pathsOf(decisionSchema, { decision: 'DENY', reason: 'r'.repeat(1001) })).toEqual(['reason']);
    expect(decisionSchema.safeParse({ decision: 'DENY', reason: 'r'.repeat(1000) }).success).toBe(true);
  });

  it.each([{}, { decision: 'MAYBE' }, { decision: 'approve' }])('refuses the decision %j', (body) => {
    expect(pathsOf(decisionSchema, body)).toContain('decision');
  });

  it('rejects unknown fields (strict)', () => {
    expect(errorsOf(decisionSchema, { decision: 'APPROVE', approver: 'HD0001' })).toEqual([
      { path: '(body)', message: 'Unrecognized key: "approver"' },
    ]);
  });
});

describe('emailCodeSchema', () => {
  it.each(['000000', '123456', '999999'])('accepts %j', (code) => {
    expect(parsed(emailCodeSchema, { code })).toEqual({ code });
  });

  it.each(['12345', '1234567', '12345a', ' 123456', '123 456', ''])('refuses %j', (code) => {
    expect(errorsOf(emailCodeSchema, { code })).toEqual([{ path: 'code', message: 'must be the 6-digit code from the email' }]);
  });

  it('refuses a number, a missing code and extra fields', () => {
    expect(pathsOf(emailCodeSchema, { code: 123456 })).toEqual(['code']);
    expect(pathsOf(emailCodeSchema, {})).toEqual(['code']);
    expect(pathsOf(emailCodeSchema, { code: '123456', attempt: 2 })).toEqual(['(body)']);
  });
});

describe('questionAnswersSchema', () => {
  const answer = (questionId: string, text = 'Rex') => ({ questionId, answer: text });

  it('accepts two to ten distinct answers, trimmed', () => {
    expect(parsed(questionAnswersSchema, { answers: [answer('q1', ' Rex '), answer('q2', 'Elm St')] })).toEqual({
      answers: [answer('q1', 'Rex'), answer('q2', 'Elm St')],
    });
    const ten = Array.from({ length: 10 }, (_, i) => answer(`q${i}`));
    expect(questionAnswersSchema.safeParse({ answers: ten }).success).toBe(true);
  });

  it('requires at least two answers', () => {
    expect(errorsOf(questionAnswersSchema, { answers: [answer('q1')] })).toEqual([
      { path: 'answers', message: 'answer at least two questions' },
    ]);
    expect(pathsOf(questionAnswersSchema, { answers: [] })).toContain('answers');
  });

  it('allows at most ten answers', () => {
    const eleven = Array.from({ length: 11 }, (_, i) => answer(`q${i}`));
    expect(pathsOf(questionAnswersSchema, { answers: eleven })).toEqual(['answers']);
  });

  it('refuses answering the same question twice', () => {
    expect(errorsOf(questionAnswersSchema, { answers: [answer('q1'), answer('q1', 'Fido')] })).toEqual([
      { path: 'answers', message: 'each question may be answered once' },
    ]);
  });

  it('refuses an answer shorter than two characters after trimming, at its index', () => {
    expect(errorsOf(questionAnswersSchema, { answers: [answer('q1'), answer('q2', ' x ')] })).toEqual([
      { path: 'answers.1.answer', message: 'is too short' },
    ]);
  });

  it('refuses an empty or too long question id and an answer over 200 characters', () => {
    expect(pathsOf(questionAnswersSchema, { answers: [answer(''), answer('q2')] })).toEqual(['answers.0.questionId']);
    expect(pathsOf(questionAnswersSchema, { answers: [answer('q'.repeat(41)), answer('q2')] })).toEqual(['answers.0.questionId']);
    expect(pathsOf(questionAnswersSchema, { answers: [answer('q1'), answer('q2', 'a'.repeat(201))] })).toEqual(['answers.1.answer']);
  });

  it('rejects unknown fields (strict)', () => {
    expect(pathsOf(questionAnswersSchema, { answers: [answer('q1'), { ...answer('q2'), hint: 'dog' }] })).toEqual(['answers.1']);
    expect(pathsOf(questionAnswersSchema, { answers: [answer('q1'), answer('q2')], remember: true })).toEqual(['(body)']);
  });
});

// ---------------------------------------------------------------------------------------------
// fieldErrors
// ---------------------------------------------------------------------------------------------

describe('fieldErrors', () => {
  it('joins nested paths with dots', () => {
    expect(errorsOf(newRegistrationSchema, withIdentity({ ssn: 'x' }))).toEqual([
      { path: 'identity.ssn', message: 'must look like NNN-NN-NNNN' },
    ]);
  });

  it('puts the prefix in front of every path', () => {
    expect(errorsOf(newRegistrationSchema, withIdentity({ ssn: 'x' }), 'registration')).toEqual([
      { path: 'registration.identity.ssn', message: 'must look like NNN-NN-NNNN' },
    ]);
  });

  it('names a top-level problem (body), or the prefix alone when one is given', () => {
    expect(errorsOf(emailCodeSchema, 'not an object')).toEqual([{ path: '(body)', message: expect.any(String) as string }]);
    expect(errorsOf(emailCodeSchema, 'not an object', 'emailCode')).toEqual([{ path: 'emailCode', message: expect.any(String) as string }]);
  });

  it('keeps array index 0 in the path', () => {
    expect(
      pathsOf(questionAnswersSchema, {
        answers: [
          { questionId: 'q1', answer: 'x' },
          { questionId: 'q2', answer: 'ok' },
        ],
      }),
    ).toEqual(['answers.0.answer']);
  });

  it('returns one entry per issue, in order', () => {
    const errors = errorsOf(emailCodeSchema, { code: '1', extra: true });
    expect(errors).toHaveLength(2);
    expect(new Set(errors.map((e) => e.path))).toEqual(new Set(['code', '(body)']));
  });
});

// ---------------------------------------------------------------------------------------------
// passwordProblems
// ---------------------------------------------------------------------------------------------

describe('passwordProblems', () => {
  const account = { userId: 'EU0042', firstName: 'Ann', lastName: 'Lee' };
  const LENGTH = 'must be 15 to 60 characters';
  const UPPER = 'must contain an upper-case letter';
  const LOWER = 'must contain a lower-case letter';
  const DIGIT = 'must contain a digit';
  const PERSONAL = 'must not contain your user ID or name';

  it('accepts a long mixed password with no personal data', () => {
    expect(passwordProblems('CorrectHorse42Battery', account)).toEqual([]);
  });

  it.each([
    [14, [LENGTH]],
    [15, []],
    [60, []],
    [61, [LENGTH]],
  ])('a password of %i characters → %j', (length, problems) => {
    const password = 'Aa1' + 'x'.repeat(length - 3);
    expect(password).toHaveLength(length);
    expect(passwordProblems(password, account)).toEqual(problems);
  });

  it.each([
    ['correcthorse42battery', [UPPER]],
    ['CORRECTHORSE42BATTERY', [LOWER]],
    ['CorrectHorseBatteryStaple', [DIGIT]],
    ['123456789012345', [UPPER, LOWER]],
    ['', [LENGTH, UPPER, LOWER, DIGIT]],
  ])('%j has problems %j', (password, problems) => {
    expect(passwordProblems(password, account)).toEqual(problems);
  });

  it.each([
    ['the user ID', 'Secret-eu0042-Phrase9'],
    ['the first name', 'CorrectANNHorse42x'],
    ['the last name', 'CorrectHorse42leeway'],
  ])('refuses a password containing %s, whatever the case', (_label, password) => {
    expect(passwordProblems(password, account)).toEqual([PERSONAL]);
  });

  it('reports the personal-data problem once even when several parts match', () => {
    expect(passwordProblems('AnnLeeEU0042Horse', account)).toEqual([PERSONAL]);
  });

  it('ignores name parts shorter than three characters', () => {
    expect(passwordProblems('AlwaysBoHorse42x', { userId: 'EU0042', firstName: 'Al', lastName: 'Bo' })).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Every text limit counts code points (domain/text.ts)
// ---------------------------------------------------------------------------------------------

describe('every text limit counts code points, the one measure the tests use too', () => {
  const endUser = detailsSchemaFor('END_USER');
  const soDetails = detailsSchemaFor('SECURITY_OFFICIAL');
  const endUserBase = { ...BASE_DETAILS, organizationId: ORG_ID, userGroupId: GROUP_ID };
  const address = BASE_DETAILS.contact.address;
  const cases: [string, z.ZodType, (value: string) => unknown, number][] = [
    ['identity.firstName', newRegistrationSchema, (v) => withIdentity({ firstName: v }), TEXT_LIMITS.name],
    ['identity.lastName', newRegistrationSchema, (v) => withIdentity({ lastName: v }), TEXT_LIMITS.name],
    ['justification', endUser, (v) => ({ ...endUserBase, justification: v }), TEXT_LIMITS.justification],
    [
      'contact.address.line1',
      endUser,
      (v) => ({ ...endUserBase, contact: { ...BASE_DETAILS.contact, address: { ...address, line1: v } } }),
      TEXT_LIMITS.name,
    ],
    [
      'contact.address.city',
      endUser,
      (v) => ({ ...endUserBase, contact: { ...BASE_DETAILS.contact, address: { ...address, city: v } } }),
      TEXT_LIMITS.name,
    ],
    [
      'organization.name',
      soDetails,
      (v) => ({ ...BASE_DETAILS, organization: { ...FIELD_VALUES.organization, name: v } }),
      TEXT_LIMITS.organizationName,
    ],
    ['reason', decisionSchema, (v) => ({ decision: 'DENY', reason: v }), TEXT_LIMITS.reason],
    [
      'answers.0.answer',
      questionAnswersSchema,
      (v) => ({
        answers: [
          { questionId: 'q1', answer: v },
          { questionId: 'q2', answer: 'Rex' },
        ],
      }),
      TEXT_LIMITS.answer,
    ],
    ['userId', loginSchema, (v) => ({ userId: v, password: 'x' }), TEXT_LIMITS.userId],
    ['name', organizationSearchSchema, (v) => ({ name: v, country: 'US', state: 'MD' }), TEXT_LIMITS.organizationName],
  ];

  it.each(cases)('%s: exactly the limit in emoji (twice as many UTF-16 units) passes, one more is refused', (path, schema, body, limit) => {
    expect(schema.safeParse(body('😀'.repeat(limit))).success).toBe(true);
    expect(pathsOf(schema, body('😀'.repeat(limit + 1)))).toEqual([path]);
    expect(pathsOf(schema, body('a'.repeat(limit + 1)))).toEqual([path]);
  });

  it('the application id too (letters only, so counted the same either way)', () => {
    const request = { applicationId: 'A'.repeat(TEXT_LIMITS.applicationId), role: 'APPLICATION_USER', userGroupId: GROUP_ID };
    expect(applicationRoleRequestSchema.safeParse(request).success).toBe(true);
    expect(pathsOf(applicationRoleRequestSchema, { ...request, applicationId: 'A'.repeat(TEXT_LIMITS.applicationId + 1) })).toEqual([
      'applicationId',
    ]);
  });

  it('the password policy counts characters the same way: 15 emoji-bearing characters are 15', () => {
    const account = { userId: 'EU0042', firstName: 'Ann', lastName: 'Lee' };
    expect(passwordProblems('Aa1😀😀😀😀😀😀😀😀😀😀😀😀', account)).toEqual([]); // 15 code points, 27 UTF-16 units
    expect(passwordProblems(`Aa1${'😀'.repeat(58)}`, account)).toEqual(['must be 15 to 60 characters']);
  });
});
