/**
 * Hostile input, property-based (fast-check), on real servers: every route that reads a body
 * or a query gets many malformed and hostile requests — wrong types, missing fields, unknown
 * fields (`__proto__`, `constructor`, `prototype`, `$where`, `roles`…, sent as raw JSON text so
 * the keys survive), NoSQL operator objects in string fields, script/SQL injection strings,
 * strings up to ~40 kB, deeply nested values, arrays and scalars instead of objects, invalid
 * JSON text, other content types — with valid credentials where the route needs them.
 *
 * Each answer must be a 4xx (never 2xx, never 5xx) in application/problem+json, Object.prototype
 * of this process (the API runs in-process) must stay clean, and the database must be as it
 * was: every MongoDB collection (count and content) and the registrations' views, except the
 * rate-limit counters and the audit log, which legitimately record refused attempts.
 *
 * Every generated body carries at least one defect that the route's schema refuses (a
 * "breaker"), so none of them is a valid request by accident; injection strings ride along in
 * the other fields. The organization search, whose free-text `name` is legitimately anything,
 * gets its own property: injection text is a plain search that never widens the result.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import mongoose from 'mongoose';
import type { LocalStack } from '../../local-stack';
import { ApiClient, contact, Journey, rawRequest, registrationBody, type RawAnswer, type Started } from '../support/api-client';
import { startTestStack } from '../support/stack';
import { LONGEST_TEXT, textLength } from '../../domain/text';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = (string | number)[];
/** What a field must be: a string, an object, the literal `true`, an array. */
type Kind = 's' | 'o' | 't' | 'a';

const RUNS = 40;
/**
 * Collections that legitimately change on refused requests: rate-limit counters (and the expiry
 * buckets that schedule their removal) and the audit log.
 */
const MAY_CHANGE = new Set(['ratecounters', 'expiry_buckets', 'audit_events', 'audit_head']);

let stack: LocalStack;
let journey: Journey;
const fx = {} as {
  helpDesk: string;
  operator: string;
  /** A session of its own for POST /auth/logout. */
  spareSession: string;
  awaitingCode: Started;
  awaitingDetails: Started;
  pendingSo: Started;
  approvedSo: Started;
};

// ---------------------------------------------------------------------------------------------
// Generators

const INJECTIONS = [
  "' OR '1'='1",
  "'; DROP TABLE registrations; --",
  '" OR ""="',
  "admin'--",
  '1; SELECT pg_sleep(5)',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  'javascript:alert(document.cookie)',
  '{"$gt":""}',
  '{"$where":"sleep(5000)"}',
  'this.passwordHash.match(/.*/)',
  '$where',
  '$ne',
  '.*',
  '^(a+)+$',
  '${7*7}',
  '{{7*7}}',
  '#{7*7}',
  '../../../etc/passwd',
  '%00',
  '\u0000',
  '\\',
  '__proto__',
  'constructor.prototype.polluted',
  '\uD800',
  '😀😀😀',
  '\r\nSet-Cookie: a=b',
];
const injection = fc.oneof(
  fc.constantFrom(...INJECTIONS),
  fc.tuple(fc.constantFrom(...INJECTIONS), fc.string({ maxLength: 12 }), fc.constantFrom(...INJECTIONS)).map(([a, b, c]) => a + b + c),
);

const NOSQL: Json[] = [
  { $gt: '' },
  { $ne: null },
  { $ne: 'nobody' },
  { $where: 'sleep(5000) || true' },
  { $regex: '.*', $options: 'i' },
  { $exists: true },
  { $in: ['EUSHELPDESK', 'IACSOPERATOR'] },
  { $expr: { $eq: [1, 1] } },
  { $function: { body: 'function () { return true; }', args: [], lang: 'js' } },
];
const nosql = fc.constantFrom(...NOSQL);
const smallJson = fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>;
const dictionary = fc.dictionary(fc.string({ maxLength: 8 }), smallJson, { maxKeys: 3 }) as fc.Arbitrary<Json>;
const number = fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })) as fc.Arbitrary<Json>;

/** A value that a field of this kind refuses. */
const wrongValue: Record<Kind, fc.Arbitrary<Json>> = {
  s: fc.oneof(number, fc.constant(false), fc.constant(null), fc.array(smallJson, { maxLength: 3 }), nosql, dictionary),
  o: fc.oneof(number, fc.constant(false), fc.constant(null), injection, fc.array(smallJson, { maxLength: 3 })),
  t: fc.oneof(
    number,
    fc.constant(false),
    fc.constant(null),
    fc.constant('true'),
    fc.constant(1),
    injection,
    nosql,
    fc.array(smallJson, { maxLength: 3 }),
  ),
  a: fc.oneof(number, fc.constant(false), fc.constant(null), injection, nosql, dictionary),
};

const SPECIAL_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  '$where',
  '$gt',
  '$set',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '__defineGetter__',
  'isAdmin',
  'roles',
  'status',
  'approver',
  'policy',
];
const POLLUTER: Json = { polluted: true };

/**
 * A long string that no field accepts: more code points than the longest text limit
 * (domain/text.ts: `textLength`, `LONGEST_TEXT`, the one measure the schemas count in), built
 * code point by code point so that astral characters cannot make it shorter than it looks (the
 * old counterexample: 2,101 UTF-16 units but 1,910 code points, under the 2,000 limit); not
 * base64 (`<`, quotes, spaces). From just over the limit up to ~40,000 code points.
 */
const hugeString = fc
  .tuple(
    fc.integer({ min: LONGEST_TEXT + 1, max: 40_000 }),
    fc.constantFrom('<script>alert(1)</script>', "' OR '1'='1' -- ", '{"$gt":""} ', 'ünïcödé 😀 ', '😀𝔘\uD800'),
  )
  .map(([length, unit]) => {
    const points = [...unit];
    return Array.from({ length }, (_, i) => points[i % points.length]!).join('');
  })
  .filter((value) => textLength(value) > LONGEST_TEXT);

const DEEP = '"__DEEP_NESTING__"';
const deepText = (depth: number, shape: 'array' | 'object') =>
  shape === 'array' ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

type Breaker =
  | { kind: 'wrong-type'; path: Path; value: Json }
  | { kind: 'missing'; path: Path }
  | { kind: 'unknown-key'; at: Path; key: string; value: Json }
  | { kind: 'too-long'; path: Path; value: string }
  | { kind: 'deep'; path: Path; depth: number; shape: 'array' | 'object' };

interface Hostile {
  label: string;
  text: string;
  /** null: no Content-Type header at all. */
  contentType: string | null;
}

interface BodyRoute {
  name: string;
  method: 'POST' | 'PUT';
  path: () => string;
  token: () => string | undefined;
  /** A valid body: sent only with a content type the API does not read. */
  valid: () => { [key: string]: Json };
  /** Fields and what they must be; a value of another kind makes the body invalid. */
  typed: [Path, Kind][];
  /** Fields whose absence makes the body invalid. */
  required: Path[];
  /** Objects that refuse unknown keys, with every key their schema knows (present or optional). */
  strict: { at: Path; keys: string[] }[];
  /** Well-formed bodies the route must still refuse (4xx), e.g. injection strings as credentials. */
  refusedShapes?: fc.Arbitrary<{ [key: string]: Json }>;
}

function getAt(value: Json, path: Path): Json {
  return path.reduce<Json>((node, key) => (node as Record<string | number, Json>)[key]!, value);
}
function setAt(value: Json, path: Path, replacement: Json): void {
  const parent = getAt(value, path.slice(0, -1)) as Record<string | number, Json>;
  parent[path[path.length - 1]!] = replacement;
}
function deleteAt(value: Json, path: Path): void {
  const parent = getAt(value, path.slice(0, -1)) as Record<string | number, Json>;
  if (Array.isArray(parent)) parent.splice(Number(path[path.length - 1]), 1);
  else delete parent[path[path.length - 1]!];
}

function breakerFor(route: BodyRoute): fc.Arbitrary<Breaker> {
  const strings = route.typed.filter(([, kind]) => kind === 's').map(([path]) => path);
  const options: fc.Arbitrary<Breaker>[] = [
    fc
      .constantFrom(...route.typed)
      .chain(([path, kind]) => wrongValue[kind].map((value): Breaker => ({ kind: 'wrong-type', path, value }))),
    fc.constantFrom(...route.required).map((path): Breaker => ({ kind: 'missing', path })),
    fc.constantFrom(...route.strict).chain(({ at, keys }) =>
      fc
        .record({
          key: fc.oneof(fc.constantFrom(...SPECIAL_KEYS), fc.string({ minLength: 1, maxLength: 16 })).filter((k) => !keys.includes(k)),
          value: fc.oneof(smallJson, fc.constant(POLLUTER), nosql),
        })
        .map(({ key, value }): Breaker => ({ kind: 'unknown-key', at, key, value })),
    ),
    fc
      .record({ typed: fc.constantFrom(...route.typed), depth: fc.integer({ min: 20, max: 3_000 }), array: fc.boolean() })
      // An object nested in an object field could be accepted by a non-strict schema: objects get arrays.
      .map(({ typed: [path, kind], depth, array }): Breaker => ({
        kind: 'deep',
        path,
        depth,
        shape: kind === 'o' || array ? 'array' : 'object',
      })),
  ];
  if (strings.length > 0)
    options.push(
      fc
        .record({ path: fc.constantFrom(...strings), value: hugeString })
        .map(({ path, value }): Breaker => ({ kind: 'too-long', path, value })),
    );
  return fc.oneof(...options);
}

function build(route: BodyRoute, breaker: Breaker, extras: [Path, string][]): string {
  const body = structuredClone(route.valid()) as Json;
  // Injection strings first, the breaker last: it always stands.
  for (const [path, value] of extras) setAt(body, path, value);
  switch (breaker.kind) {
    case 'wrong-type':
      setAt(body, breaker.path, breaker.value);
      break;
    case 'missing':
      deleteAt(body, breaker.path);
      break;
    case 'unknown-key':
      // defineProperty, not assignment: `__proto__` stays an own key and JSON.stringify writes it.
      Object.defineProperty(getAt(body, breaker.at), breaker.key, {
        value: breaker.value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
      break;
    case 'too-long':
      setAt(body, breaker.path, breaker.value);
      break;
    case 'deep':
      setAt(body, breaker.path, DEEP.slice(1, -1));
      return JSON.stringify(body).replace(DEEP, deepText(breaker.depth, breaker.shape));
  }
  return JSON.stringify(body);
}

const notJson = (text: string) => {
  try {
    JSON.parse(text);
    return false;
  } catch {
    return true;
  }
};

const JSON_TYPES = ['application/json', 'application/json; charset=utf-8', 'application/merge-patch+json'];
const OTHER_TYPES = [
  'text/plain',
  'text/html',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'application/xml',
  'application/octet-stream',
  null,
];

function hostileFor(route: BodyRoute): fc.Arbitrary<Hostile> {
  const strings = route.typed.filter(([, kind]) => kind === 's').map(([path]) => path);
  const extras =
    strings.length > 0 ? fc.array(fc.tuple(fc.constantFrom(...strings), injection), { maxLength: 3 }) : fc.constant([] as [Path, string][]);
  const validText = JSON.stringify(route.valid());
  const alternatives: fc.WeightedArbitrary<Hostile>[] = [
    {
      weight: 8,
      arbitrary: fc
        .record({ breaker: breakerFor(route), extras, contentType: fc.constantFrom(...JSON_TYPES) })
        .map(({ breaker, extras, contentType }) => ({
          label: `${breaker.kind} ${'path' in breaker ? breaker.path.join('.') : `${breaker.at.join('.')}[${JSON.stringify(breaker.key)}]`}`,
          text: build(route, breaker, extras),
          contentType,
        })),
    },
    {
      weight: 1,
      arbitrary: fc
        .oneof(fc.array(smallJson, { maxLength: 4 }), number, fc.string(), fc.constant(null), fc.boolean(), fc.constant([route.valid()]))
        .map((value) => ({ label: 'not an object', text: JSON.stringify(value), contentType: 'application/json' })),
    },
    {
      weight: 1,
      arbitrary: fc
        .oneof(
          fc.string({ minLength: 1, maxLength: 200 }).filter(notJson),
          fc.integer({ min: 1, max: validText.length - 1 }).map((k) => validText.slice(0, k)),
          fc.constantFrom(
            "{'userId': 'x'}",
            '{"a":1,}',
            'NaN',
            'undefined',
            '{"__proto__":',
            '/* comment */ {}',
            '{"a":1}{"b":2}',
            '[1,2',
            '{"a":"\\x41"}',
            ")]}'\n{}",
            '{"a": 01}',
            '\u0000',
          ),
        )
        .map((text) => ({ label: 'invalid JSON', text, contentType: 'application/json' })),
    },
    {
      weight: 1,
      arbitrary: fc.record({ contentType: fc.constantFrom(...OTHER_TYPES), form: fc.boolean() }).map(({ contentType, form }) => ({
        label: `valid body as ${contentType ?? 'no content type'}`,
        text: form
          ? new URLSearchParams(
              Object.entries(route.valid()).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
            ).toString()
          : validText,
        contentType,
      })),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(
          '{"__proto__":{"polluted":true}}',
          '{"constructor":{"prototype":{"polluted":true}}}',
          '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}',
        )
        .map((text) => ({ label: 'prototype pollution', text, contentType: 'application/json' })),
    },
    {
      weight: 1,
      arbitrary: fc.record({ depth: fc.integer({ min: 100, max: 12_000 }), array: fc.boolean() }).map(({ depth, array }) => ({
        label: `nested ${depth} deep`,
        text: deepText(array ? depth : Math.min(depth, 5_000), array ? 'array' : 'object'),
        contentType: 'application/json',
      })),
    },
  ];
  if (route.refusedShapes)
    alternatives.push({
      weight: 2,
      arbitrary: route.refusedShapes.map((body) => ({
        label: 'well-formed, refused',
        text: JSON.stringify(body),
        contentType: 'application/json',
      })),
    });
  return fc.oneof(...alternatives);
}

// ---------------------------------------------------------------------------------------------
// The routes that read a body

const b64 = (s: string) => Buffer.from(s).toString('base64');
const addressKeys = ['line1', 'line2', 'city', 'state', 'postalCode', 'country'];

const BODY_ROUTES: BodyRoute[] = [
  {
    name: 'POST /registrations',
    method: 'POST',
    path: () => '/registrations',
    token: () => undefined,
    valid: () =>
      registrationBody(
        'INDIVIDUAL_PRACTITIONER',
        { firstName: 'Avery', lastName: 'Testwell', dateOfBirth: '1980-01-15', ssn: '900-12-0001' },
        'fuzz@example.test',
      ),
    typed: [
      [['community'], 's'],
      [['role'], 's'],
      [['acceptedTerms'], 'o'],
      [['acceptedTerms', 'privacyAct'], 't'],
      [['acceptedTerms', 'role'], 't'],
      [['identity'], 'o'],
      [['identity', 'firstName'], 's'],
      [['identity', 'lastName'], 's'],
      [['identity', 'dateOfBirth'], 's'],
      [['identity', 'ssn'], 's'],
      [['email'], 's'],
    ],
    required: [
      ['community'],
      ['role'],
      ['acceptedTerms'],
      ['acceptedTerms', 'privacyAct'],
      ['acceptedTerms', 'role'],
      ['identity'],
      ['identity', 'firstName'],
      ['identity', 'lastName'],
      ['identity', 'dateOfBirth'],
      ['identity', 'ssn'],
      ['email'],
    ],
    strict: [
      { at: [], keys: ['community', 'role', 'acceptedTerms', 'identity', 'email'] },
      { at: ['acceptedTerms'], keys: ['privacyAct', 'role'] },
      { at: ['identity'], keys: ['firstName', 'lastName', 'dateOfBirth', 'ssn'] },
    ],
  },
  {
    name: 'POST /registrations/:id/email-verification',
    method: 'POST',
    path: () => `/registrations/${fx.awaitingCode.id}/email-verification`,
    token: () => fx.awaitingCode.token,
    valid: () => ({ code: '000000' }),
    typed: [[['code'], 's']],
    required: [['code']],
    strict: [{ at: [], keys: ['code'] }],
    // A code is six digits: injection text in its place is refused before the workflow is asked.
    refusedShapes: injection.map((code) => ({ code })),
  },
  {
    name: 'PUT /registrations/:id/details',
    method: 'PUT',
    path: () => `/registrations/${fx.awaitingDetails.id}/details`,
    token: () => fx.awaitingDetails.token,
    valid: () => ({ contact: structuredClone(contact), justification: 'I bill Medicare for my own practice.' }),
    typed: [
      [['contact'], 'o'],
      [['contact', 'phone'], 's'],
      [['contact', 'address'], 'o'],
      [['contact', 'address', 'line1'], 's'],
      [['contact', 'address', 'city'], 's'],
      [['contact', 'address', 'state'], 's'],
      [['contact', 'address', 'postalCode'], 's'],
      [['contact', 'address', 'country'], 's'],
      [['justification'], 's'],
    ],
    required: [
      ['contact'],
      ['contact', 'phone'],
      ['contact', 'address'],
      ['contact', 'address', 'line1'],
      ['contact', 'address', 'city'],
      ['contact', 'address', 'state'],
      ['contact', 'address', 'postalCode'],
      ['contact', 'address', 'country'],
      ['justification'],
    ],
    strict: [
      { at: [], keys: ['contact', 'organizationId', 'organization', 'userGroupId', 'userGroup', 'justification'] },
      { at: ['contact'], keys: ['phone', 'address'] },
      { at: ['contact', 'address'], keys: addressKeys },
    ],
  },
  {
    name: 'POST /registrations/:id/decision',
    method: 'POST',
    path: () => `/registrations/${fx.pendingSo.id}/decision`,
    token: () => fx.helpDesk,
    valid: () => ({ decision: 'DENY', reason: 'We do not know this organization.' }),
    typed: [
      [['decision'], 's'],
      [['reason'], 's'],
    ],
    required: [['decision'], ['reason']],
    strict: [{ at: [], keys: ['decision', 'reason'] }],
    refusedShapes: fc.record({ decision: injection, reason: injection }),
  },
  {
    name: 'POST /auth/login',
    method: 'POST',
    path: () => '/auth/login',
    token: () => undefined,
    valid: () => ({ userId: stack.config.helpDesk.userId, password: stack.config.helpDesk.password }),
    typed: [
      [['userId'], 's'],
      [['password'], 's'],
    ],
    required: [['userId'], ['password']],
    strict: [{ at: [], keys: ['userId', 'password'] }],
    // Injection text as credentials: a plain wrong login (401), and no account matches it.
    refusedShapes: fc.record({ userId: injection, password: injection }),
  },
  {
    name: 'POST /auth/password',
    method: 'POST',
    path: () => '/auth/password',
    token: () => fx.helpDesk,
    valid: () => ({ currentPassword: stack.config.helpDesk.password, newPassword: 'Brand-New-Passw0rd-2026' }),
    typed: [
      [['currentPassword'], 's'],
      [['newPassword'], 's'],
    ],
    required: [['currentPassword'], ['newPassword']],
    strict: [{ at: [], keys: ['currentPassword', 'newPassword'] }],
    // A wrong current password with injection text: 422, nothing changes.
    refusedShapes: fc.record({ currentPassword: injection, newPassword: injection }),
  },
  {
    name: 'PUT /me/authentication-questions',
    method: 'PUT',
    path: () => '/me/authentication-questions',
    token: () => fx.helpDesk,
    valid: () => ({
      answers: [
        { questionId: 'Q1', answer: 'Springfield' },
        { questionId: 'Q2', answer: 'Rex the dog' },
      ],
    }),
    typed: [
      [['answers'], 'a'],
      [['answers', 0], 'o'],
      [['answers', 0, 'questionId'], 's'],
      [['answers', 0, 'answer'], 's'],
      [['answers', 1, 'questionId'], 's'],
      [['answers', 1, 'answer'], 's'],
    ],
    required: [['answers'], ['answers', 0], ['answers', 0, 'questionId'], ['answers', 0, 'answer'], ['answers', 1, 'answer']],
    strict: [
      { at: [], keys: ['answers'] },
      { at: ['answers', 0], keys: ['questionId', 'answer'] },
    ],
    // Unknown question ids (injection text): 422, no answer stored.
    refusedShapes: fc
      .tuple(injection, injection)
      .filter(([a, b]) => a !== b && a.length <= 40 && b.length <= 40)
      .map(([a, b]) => ({
        answers: [
          { questionId: a, answer: 'Springfield' },
          { questionId: b, answer: 'Rex the dog' },
        ],
      })),
  },
  {
    name: 'POST /codec/decode',
    method: 'POST',
    path: () => '/codec/decode',
    token: () => fx.operator,
    valid: () => ({ payloads: [{ metadata: { encoding: b64('json/plain') }, data: b64('"hello"') }] }),
    typed: [
      [['payloads'], 'a'],
      [['payloads', 0, 'metadata'], 'o'],
      [['payloads', 0, 'metadata', 'encoding'], 's'],
      [['payloads', 0, 'data'], 's'],
    ],
    required: [['payloads']],
    strict: [{ at: [], keys: ['payloads'] }],
  },
  {
    name: 'POST /codec/encode',
    method: 'POST',
    path: () => '/codec/encode',
    token: () => fx.operator,
    valid: () => ({ payloads: [{ metadata: { encoding: b64('json/plain') }, data: b64('"hello"') }] }),
    typed: [
      [['payloads'], 'a'],
      [['payloads', 0, 'metadata'], 'o'],
      [['payloads', 0, 'metadata', 'encoding'], 's'],
      [['payloads', 0, 'data'], 's'],
    ],
    required: [['payloads']],
    strict: [{ at: [], keys: ['payloads'] }],
  },
];

// ---------------------------------------------------------------------------------------------
// Sending and watching

async function send(method: string, path: string, token: string | undefined, hostile: Hostile): Promise<RawAnswer> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (hostile.contentType !== null) headers['content-type'] = hostile.contentType;
  // A string body would get a text/plain content type from fetch; a Blob without a type gets none.
  const body = hostile.contentType === null ? new Blob([hostile.text]) : hostile.text;
  return rawRequest(stack.apiUrl, method, path, { headers, body });
}

function expectRefused(answer: RawAnswer, what: string): void {
  expect(answer.status, `${what} → ${answer.status} ${answer.text.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
  expect(answer.status, `${what} → ${answer.status} ${answer.text.slice(0, 300)}`).toBeLessThan(500);
  expect(answer.headers.get('content-type'), what).toMatch(/^application\/problem\+json/);
  expect((answer.json as { status?: number } | undefined)?.status, what).toBe(answer.status);
  expectNoPollution();
}

function expectNoPollution(): void {
  const probe = {} as Record<string, unknown>;
  expect(probe.polluted).toBeUndefined();
  expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
  expect(Object.getOwnPropertyNames(Object.prototype).filter((name) => !BASELINE_PROTOTYPE.includes(name))).toEqual([]);
}
const BASELINE_PROTOTYPE = Object.getOwnPropertyNames(Object.prototype);

/** Every collection (count and a digest of its documents) but the ones that may change, and the registrations' views. */
async function databaseState(): Promise<{ collections: Record<string, { count: number; digest: string }>; views: unknown[] }> {
  const db = mongoose.connection.db!;
  const names = (await db.listCollections().toArray())
    .map((c) => c.name)
    .filter((name) => !MAY_CHANGE.has(name) && !name.startsWith('system.'))
    .sort();
  const collections: Record<string, { count: number; digest: string }> = {};
  for (const name of names) {
    const documents = await db.collection(name).find({}).sort({ _id: 1 }).toArray();
    collections[name] = {
      count: await db.collection(name).countDocuments(),
      digest: createHash('sha256').update(JSON.stringify(documents)).digest('hex'),
    };
  }
  const views = [];
  for (const r of [fx.awaitingCode, fx.awaitingDetails, fx.pendingSo, fx.approvedSo]) views.push((await journey.view(r)).body);
  return { collections, views };
}

const seen: Record<string, Record<number, number>> = {};
function note(route: string, status: number): void {
  seen[route] ??= {};
  seen[route][status] = (seen[route][status] ?? 0) + 1;
}

beforeAll(async () => {
  const high = { limit: 1_000_000, windowMs: 60 * 60 * 1000 };
  stack = await startTestStack({
    RATE_LIMITS: JSON.stringify({
      registrationsPerAddress: high,
      registrationsPerEmail: high,
      codeAttemptsPerRegistration: high,
      codeAttemptsPerAddress: high,
      resendsPerRegistration: high,
      resendsPerAddress: high,
      loginsPerUserId: high,
      loginsPerAddress: high,
    }),
  });
  journey = new Journey(new ApiClient(stack.apiUrl), stack.mailCatcherUrl!);
  fx.helpDesk = (await journey.login(stack.config.helpDesk.userId, stack.config.helpDesk.password)).body.token;
  fx.operator = (await journey.login(stack.config.operator.userId, stack.config.operator.password)).body.token;
  fx.spareSession = (await journey.login(stack.config.operator.userId, stack.config.operator.password)).body.token;

  // An approved organization (for the search), a Security Official awaiting the Help Desk's decision,
  // an applicant awaiting details and one awaiting the email code.
  fx.approvedSo = await journey.register('SECURITY_OFFICIAL', 'so@fuzz-harbor.example.test');
  await journey.verifyEmail(fx.approvedSo);
  await journey.submitWith(fx.approvedSo, {
    organization: { name: 'Fuzz Harbor Clinic', country: 'US', state: 'MD', providerType: 'HOSPITAL' },
  });
  expect((await journey.decide(fx.approvedSo.id, fx.helpDesk, 'APPROVE')).status).toBe(200);
  await journey.waitForStatus(fx.approvedSo, 'PROVISIONED');

  fx.pendingSo = await journey.register('SECURITY_OFFICIAL', 'so@fuzz-pending.example.test');
  await journey.verifyEmail(fx.pendingSo);
  await journey.submitWith(fx.pendingSo, {
    organization: { name: 'Fuzz Pending Hospital', country: 'US', state: 'MD', providerType: 'HOSPITAL' },
  });

  fx.awaitingDetails = await journey.register('INDIVIDUAL_PRACTITIONER', 'ip-details@fuzz.example.test');
  await journey.verifyEmail(fx.awaitingDetails);

  fx.awaitingCode = await journey.register('INDIVIDUAL_PRACTITIONER', 'ip-code@fuzz.example.test');
  await journey.waitForStatus(fx.awaitingCode, 'AWAITING_EMAIL_VERIFICATION');
  await journey.emailedCode(fx.awaitingCode);

  // Nothing moves on its own any more.
  const settled = await databaseState();
  expect(Object.keys(settled.collections)).toEqual(
    expect.arrayContaining(['accounts', 'sessions', 'registrations', 'organizations', 'usergroups', 'emailcodes', 'sentemails']),
  );
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect(await databaseState()).toEqual(settled);
}, 180_000);

afterAll(async () => {
  process.stdout.write(`hostile-bodies: statuses seen per route ${JSON.stringify(seen)}\n`);
  await stack?.stop();
});

describe('hostile bodies are refused with 4xx problem+json and change nothing', () => {
  for (const route of BODY_ROUTES) {
    it(`${route.name}: ${RUNS} hostile bodies`, async () => {
      const before = await databaseState();
      await fc.assert(
        fc.asyncProperty(hostileFor(route), async (hostile) => {
          const answer = await send(route.method, route.path(), route.token(), hostile);
          note(route.name, answer.status);
          expectRefused(answer, `${route.name} with ${hostile.label} (${hostile.contentType ?? 'no content type'})`);
        }),
        { numRuns: RUNS },
      );
      expect(await databaseState()).toEqual(before);
    });
  }
});

describe('GET /organizations with hostile queries', () => {
  const KNOWN = ['name', 'country', 'state'];
  /** Percent-encodes; a lone surrogate (not encodable as UTF-8) goes as the bytes Buffer makes of it. */
  const component = (s: string) => {
    try {
      return encodeURIComponent(s);
    } catch {
      return [...Buffer.from(s)].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');
    }
  };
  const encode = (pairs: [string, string][]) => pairs.map(([k, v]) => `${component(k)}=${component(v)}`).join('&');
  // Node refuses request heads over 16 kB itself (431, before Express): values stay below that.
  const longish = fc.integer({ min: 201, max: 8_000 }).map((n) => "' OR 1=1 --".repeat(Math.ceil(n / 11)).slice(0, n));
  const value = fc.oneof(injection, fc.string({ maxLength: 30 }));

  const breaker: fc.Arbitrary<[string, string][]> = fc.oneof(
    fc
      .tuple(
        fc.oneof(
          fc.constantFrom(
            'name[$gt]',
            'name[$regex]',
            'name[$ne]',
            '__proto__',
            '__proto__[polluted]',
            'constructor',
            'constructor[prototype][polluted]',
            'prototype',
            '$where',
            'status',
            'name.length',
          ),
          fc.string({ minLength: 1, maxLength: 10 }).filter((k) => !KNOWN.includes(k)),
        ),
        value,
      )
      .map(([k, v]): [string, string][] => [[k, v]]),
    fc.tuple(fc.constantFrom(...KNOWN), value, value).map(([k, a, b]): [string, string][] => [
      [k, a],
      [k, b],
    ]),
    longish.map((v): [string, string][] => [['name', v]]),
    injection.filter((v) => v.trim().length !== 2).map((v): [string, string][] => [['country', v]]),
    fc.oneof(longish, fc.constantFrom('', ' ', 'M')).map((v): [string, string][] => [['state', v]]),
  );

  it(`${RUNS} invalid queries → 400 problem+json, nothing changes`, async () => {
    const before = await databaseState();
    await fc.assert(
      fc.asyncProperty(breaker, fc.array(fc.tuple(fc.constantFrom(...KNOWN), injection), { maxLength: 2 }), async (broken, extra) => {
        const query = encode([...extra, ...broken]);
        const answer = await rawRequest(stack.apiUrl, 'GET', `/organizations?${query}`);
        note('GET /organizations (invalid)', answer.status);
        expectRefused(answer, `GET /organizations?${query.slice(0, 200)}`);
      }),
      { numRuns: RUNS },
    );
    expect(await databaseState()).toEqual(before);
  });

  it(`${RUNS} injection texts as the name are plain searches: 200, never wider than the literal text`, async () => {
    const before = await databaseState();
    const name = fc
      .oneof(
        injection,
        fc.constantFrom('.*', '.', '^F', '[a-z]+', '(?i)', '|', 'Harbor', 'fuzz harbor', 'CLINIC', 'Pending'),
        fc.string({ minLength: 1, maxLength: 20 }),
      )
      .filter((n) => n.trim().length > 0 && n.trim().length <= 200);
    await fc.assert(
      fc.asyncProperty(name, async (text) => {
        const answer = await rawRequest(stack.apiUrl, 'GET', `/organizations?name=${component(text)}&country=US&state=MD`);
        note('GET /organizations (search)', answer.status);
        expect(answer.status, answer.text).toBe(200);
        const names = (answer.json as { name: string }[]).map((o) => o.name);
        for (const found of names) expect(found.toLowerCase()).toContain(text.trim().toLowerCase());
        // The unapproved organization never shows.
        expect(names).not.toContain('Fuzz Pending Hospital');
        expectNoPollution();
      }),
      { numRuns: RUNS },
    );
    const harbor = await rawRequest(stack.apiUrl, 'GET', '/organizations?name=harbor&country=US&state=MD');
    expect((harbor.json as { name: string }[]).map((o) => o.name)).toEqual(['Fuzz Harbor Clinic']);
    expect(await databaseState()).toEqual(before);
  });
});

describe('routes that take no body, and queries where none is read', () => {
  const BODYLESS: { name: string; path: () => string; token: () => string }[] = [
    {
      name: 'POST /registrations/:id/email-verification/resend',
      path: () => `/registrations/${fx.awaitingCode.id}/email-verification/resend`,
      token: () => fx.awaitingCode.token,
    },
    {
      name: 'POST /registrations/:id/submit',
      path: () => `/registrations/${fx.awaitingDetails.id}/submit`,
      token: () => fx.awaitingDetails.token,
    },
    {
      name: 'POST /registrations/:id/cancel',
      path: () => `/registrations/${fx.awaitingDetails.id}/cancel`,
      token: () => fx.awaitingDetails.token,
    },
    { name: 'POST /auth/logout', path: () => '/auth/logout', token: () => fx.spareSession },
  ];
  // A JSON body with at least one key (raw text, so `__proto__` survives), or a JSON array.
  const someBody = fc.oneof(
    fc
      .tuple(
        fc.oneof(fc.constantFrom(...SPECIAL_KEYS), fc.string({ minLength: 1, maxLength: 12 })),
        fc.oneof(smallJson, nosql, fc.constant(POLLUTER)),
      )
      .map(([key, value]) => `{${JSON.stringify(key)}:${JSON.stringify(value)}}`),
    fc.array(smallJson, { maxLength: 3 }).map((value) => JSON.stringify(value)),
  );

  for (const route of BODYLESS) {
    it(`${route.name}: ${RUNS} JSON bodies → 4xx problem+json, nothing changes`, async () => {
      const before = await databaseState();
      await fc.assert(
        fc.asyncProperty(someBody, async (text) => {
          const answer = await send('POST', route.path(), route.token(), { label: 'body', text, contentType: 'application/json' });
          note(route.name, answer.status);
          expectRefused(answer, `${route.name} with ${text.slice(0, 200)}`);
        }),
        { numRuns: RUNS },
      );
      expect(await databaseState()).toEqual(before);
    });
  }

  it(`${RUNS} hostile query strings on routes that read none, with otherwise valid requests → 4xx problem+json, nothing changes`, async () => {
    const before = await databaseState();
    const routes = [
      ...BODY_ROUTES.map((r) => ({ name: r.name, method: r.method, path: r.path, token: r.token, body: () => JSON.stringify(r.valid()) })),
      ...BODYLESS.map((r) => ({ ...r, method: 'POST' as const, body: () => undefined })),
    ];
    const pair = fc.tuple(
      fc.oneof(
        fc.constantFrom(
          'userId[$ne]',
          'password[$gt]',
          '__proto__[polluted]',
          'constructor[prototype][polluted]',
          '$where',
          'decision',
          'role',
          'status',
        ),
        fc.string({ minLength: 1, maxLength: 10 }),
      ),
      fc.oneof(injection, fc.string({ maxLength: 20 })),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), fc.array(pair, { minLength: 1, maxLength: 3 }), async (route, pairs) => {
        const query = pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v.replace(/[\uD800-\uDFFF]/g, ''))}`).join('&');
        const body = route.body();
        const answer = await rawRequest(stack.apiUrl, route.method, `${route.path()}?${query}`, {
          headers: {
            ...(route.token() ? { authorization: `Bearer ${route.token()}` } : {}),
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body,
        });
        note(`${route.name} (query)`, answer.status);
        expectRefused(answer, `${route.name}?${query.slice(0, 200)}`);
      }),
      { numRuns: RUNS },
    );
    expect(await databaseState()).toEqual(before);
  });
});

describe('prototype pollution', () => {
  it('{"__proto__":{"polluted":true}} and constructor.prototype sent to every body route leave Object.prototype clean', async () => {
    const before = await databaseState();
    for (const route of BODY_ROUTES) {
      for (const text of ['{"__proto__":{"polluted":true}}', '{"constructor":{"prototype":{"polluted":true}}}']) {
        const answer = await send(route.method, route.path(), route.token(), { label: 'pollution', text, contentType: 'application/json' });
        expectRefused(answer, `${route.name} with ${text}`);
      }
      // The same keys next to an otherwise valid body.
      const valid = JSON.stringify(route.valid());
      const answer = await send(route.method, route.path(), route.token(), {
        label: 'pollution',
        text: `{"__proto__":{"polluted":true},${valid.slice(1)}`,
        contentType: 'application/json',
      });
      expectRefused(answer, `${route.name} with __proto__ beside a valid body`);
    }
    const search = await rawRequest(stack.apiUrl, 'GET', '/organizations?__proto__[polluted]=true&constructor[prototype][polluted]=true');
    expectRefused(search, 'GET /organizations with __proto__ keys');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(await databaseState()).toEqual(before);
  });
});

describe('bodies the body parser refuses', () => {
  // Regression: body-parser refusals other than bad JSON and size (charset, encoding) were once answered 500.
  it('a JSON body declared as ISO-8859-1 → 4xx problem+json (415), not 500', async () => {
    const answer = await send('POST', '/auth/login', undefined, {
      label: 'latin-1',
      text: '{"userId":"x","password":"y"}',
      contentType: 'application/json; charset=iso-8859-1',
    });
    expectRefused(answer, 'charset=iso-8859-1');
  });

  // Regression: same cause as above.
  it('a body with Content-Encoding: compress → 4xx problem+json (415), not 500', async () => {
    const answer = await rawRequest(stack.apiUrl, 'POST', '/auth/login', {
      headers: { 'content-type': 'application/json', 'content-encoding': 'compress' },
      body: '{"userId":"x","password":"y"}',
    });
    expectRefused(answer, 'content-encoding: compress');
  });

  // Regression: same cause as above.
  it('a body with Content-Encoding: gzip that is not gzip → 4xx problem+json, not 500', async () => {
    const answer = await rawRequest(stack.apiUrl, 'POST', '/auth/login', {
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: '{"userId":"x","password":"y"}',
    });
    expectRefused(answer, 'content-encoding: gzip, not gzip');
  });
});

describe('the codec endpoint with payloads that claim to be sealed but are not', () => {
  const sealed = (keyId: string, data: string) => ({
    payloads: [{ metadata: { encoding: b64('binary/encrypted'), 'encryption-key-id': b64(keyId) }, data }],
  });
  const decode = (body: unknown) =>
    send('POST', '/codec/decode', fx.operator, { label: 'sealed', text: JSON.stringify(body), contentType: 'application/json' });

  // Regression: a payload the codec cannot decode (unknown key, forged, cut short) was once answered 500.
  it('an unknown key id → 4xx problem+json, not 500', async () => {
    expectRefused(await decode(sealed('no-such-key', b64('x'.repeat(40)))), 'unknown key id');
  });

  // Regression: same cause as above.
  it('a ciphertext that does not authenticate → 4xx problem+json, not 500', async () => {
    expectRefused(await decode(sealed(stack.config.payloadKeys.split(':')[0]!, b64('x'.repeat(40)))), 'tampered ciphertext');
  });

  // Regression: same cause as above.
  it('a ciphertext shorter than IV + tag → 4xx problem+json, not 500', async () => {
    expectRefused(await decode(sealed(stack.config.payloadKeys.split(':')[0]!, 'AAAA')), 'truncated ciphertext');
  });
});
