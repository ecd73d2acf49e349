/**
 * Identities our SSA simulator (simulators/ssa-simulator.ts) accepts.
 *
 * All people are fictional. Every SSN uses an area number in 900–999, a range
 * the SSA never issues as a Social Security number, so none of these can
 * belong to a real person.
 */
export interface SsaIdentity {
  firstName: string;
  lastName: string;
  /** YYYY-MM-DD */
  dateOfBirth: string;
  /** NNN-NN-NNNN */
  ssn: string;
}

export const SSA_FIXTURES: readonly SsaIdentity[] = [
  { firstName: 'Avery', lastName: 'Testwell', dateOfBirth: '1980-01-15', ssn: '900-12-0001' },
  { firstName: 'Blake', lastName: 'Sampleton', dateOfBirth: '1975-06-30', ssn: '900-12-0002' },
  { firstName: 'Casey', lastName: 'Fixturson', dateOfBirth: '1990-11-02', ssn: '900-12-0003' },
  { firstName: 'Dana', lastName: 'Mockridge', dateOfBirth: '1968-03-21', ssn: '900-12-0004' },
  { firstName: 'Emerson', lastName: 'Stubbsworth', dateOfBirth: '1985-09-09', ssn: '900-12-0005' },
  { firstName: 'Finley', lastName: 'Placeholder', dateOfBirth: '1972-12-31', ssn: '900-12-0006' },
  { firstName: 'Gray', lastName: 'Dummington', dateOfBirth: '1995-02-28', ssn: '900-12-0007' },
  { firstName: 'Harper', lastName: 'Examplar', dateOfBirth: '1988-07-04', ssn: '900-12-0008' },
  { firstName: 'Indigo', lastName: 'Fakenham', dateOfBirth: '1979-10-10', ssn: '900-12-0009' },
  { firstName: 'Jordan', lastName: 'Specimen', dateOfBirth: '2000-01-01', ssn: '900-12-0010' },
  { firstName: 'Kendall', lastName: "O'Testa", dateOfBirth: '1963-05-17', ssn: '900-12-0011' },
  { firstName: 'Logan', lastName: 'Van Demo', dateOfBirth: '1992-08-23', ssn: '900-12-0012' },
  { firstName: 'Morgan', lastName: 'Trialby-Jones', dateOfBirth: '1983-04-12', ssn: '900-12-0013' },
  { firstName: 'Noor', lastName: 'Pretendez', dateOfBirth: '1970-02-14', ssn: '900-12-0014' },
  { firstName: 'Oakley', lastName: 'Notreal', dateOfBirth: '1998-12-25', ssn: '900-12-0015' },
  { firstName: 'Parker', lastName: 'Simulacre', dateOfBirth: '1966-06-06', ssn: '900-12-0016' },
];

const GIVEN_NAMES = ['Alex', 'Bailey', 'Cameron', 'Devon', 'Ellis', 'Frankie', 'Greer', 'Hayden', 'Jamie', 'Kai'] as const;

/** How many generated identities the simulator validates: enough for the bench's parked mode, one person per request. */
export const GENERATED_IDENTITIES = 10_000;

/**
 * A further pool of generated identities, so that tests can register many distinct people:
 * number n (0 to GENERATED_IDENTITIES - 1) is `<given name> Sample<n>`, SSN 901-00-<n as 4
 * digits>, born 19<50 + n % 40>-<month 1 + n % 12>-<day 1 + n % 28>. Same never-issued 900 area.
 */
export function generatedIdentity(n: number): SsaIdentity {
  if (!Number.isInteger(n) || n < 0 || n >= GENERATED_IDENTITIES) throw new RangeError(`no generated identity ${n}`);
  const pad = (value: number, width: number) => String(value).padStart(width, '0');
  return {
    firstName: GIVEN_NAMES[n % GIVEN_NAMES.length]!,
    lastName: `Sample${n}`,
    dateOfBirth: `19${50 + (n % 40)}-${pad(1 + (n % 12), 2)}-${pad(1 + (n % 28), 2)}`,
    ssn: `901-00-${pad(n, 4)}`,
  };
}

/** Every identity the simulator validates: the named fixtures, then the generated pool. */
export const SSA_VALID_IDENTITIES: readonly SsaIdentity[] = [
  ...SSA_FIXTURES,
  ...Array.from({ length: GENERATED_IDENTITIES }, (_, n) => generatedIdentity(n)),
];

interface NonMatchingExample {
  why: string;
  identity: SsaIdentity;
}

/** Well-formed requests that the simulator answers with NO_MATCH, and why. */
export const SSA_NON_MATCHING_EXAMPLES: readonly NonMatchingExample[] = [
  {
    why: 'wrong date of birth for fixture 900-12-0001 (Avery Testwell)',
    identity: { firstName: 'Avery', lastName: 'Testwell', dateOfBirth: '1980-01-16', ssn: '900-12-0001' },
  },
  {
    why: 'unknown SSN (no fixture uses 999-99-9999)',
    identity: { firstName: 'Avery', lastName: 'Testwell', dateOfBirth: '1980-01-15', ssn: '999-99-9999' },
  },
  {
    why: 'last name differs from fixture 900-12-0002 (Blake Sampleton)',
    identity: { firstName: 'Blake', lastName: 'Samples', dateOfBirth: '1975-06-30', ssn: '900-12-0002' },
  },
  {
    why: 'first and last name swapped for fixture 900-12-0003 (Casey Fixturson)',
    identity: { firstName: 'Fixturson', lastName: 'Casey', dateOfBirth: '1990-11-02', ssn: '900-12-0003' },
  },
  {
    why: 'SSN of fixture 900-12-0005 with the identity of fixture 900-12-0004',
    identity: { firstName: 'Dana', lastName: 'Mockridge', dateOfBirth: '1968-03-21', ssn: '900-12-0005' },
  },
];
