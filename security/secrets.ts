/**
 * The one module that handles secrets at rest: keyed hashes for values we only compare
 * (SSN, codes, tokens), AES-256-GCM for values we must read back (date of birth), and argon2id
 * (memory-hard) for passwords and authentication answers. Hashes made with scrypt before still
 * verify, and are replaced on the next successful check (`needsRehash`).
 */
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  randomBytes,
  randomInt,
  scrypt,
  timingSafeEqual,
  type ScryptOptions,
} from 'node:crypto';
import { hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';

/**
 * OWASP's Password Storage Cheat Sheet: argon2id (the library's default algorithm) with 19 MiB of
 * memory, 2 iterations, 1 degree of parallelism. About 16 ms of one core here, where the scrypt
 * used before (N = 2^15) took 90.
 */
const ARGON2ID = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
const CURRENT_PREFIX = `$argon2id$v=19$m=${ARGON2ID.memoryCost},t=${ARGON2ID.timeCost},p=${ARGON2ID.parallelism}$`;

function scryptAsync(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key))));
}
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

export interface SecretKeys {
  /** Keys for the keyed hashes (HMAC-SHA-256). */
  hashKey: Buffer;
  /** Key for field encryption (AES-256-GCM), 32 bytes. */
  fieldKey: Buffer;
}

export function keyedHash(keys: SecretKeys, purpose: string, value: string): string {
  return createHmac('sha256', keys.hashKey).update(`${purpose}\u0000${value}`).digest('base64url');
}

export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function encryptField(keys: SecretKeys, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keys.fieldKey, iv);
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), data.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
}

export function decryptField(keys: SecretKeys, sealed: string): string {
  const [version, iv, data, tag] = sealed.split('.');
  if (version !== 'v1' || !iv || !data || !tag) throw new Error('not an encrypted field');
  const decipher = createDecipheriv('aes-256-gcm', keys.fieldKey, Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
}

export async function hashPassword(password: string): Promise<string> {
  return argon2Hash(password, ARGON2ID);
}

const TEMPORARY_PREFIX = 'hmac$';

/**
 * A temporary password as stored: a keyed hash, as bearer tokens are. It is random (about 100
 * bits, `temporaryPassword`) and short-lived, so a slow hash adds nothing against guessing, and
 * a copy of the database without the hash key opens nothing; the person replaces it at the
 * first login, with a password of their own that is hashed with argon2id.
 */
export function hashTemporaryPassword(keys: SecretKeys, password: string): string {
  return `${TEMPORARY_PREFIX}${keyedHash(keys, 'temporary-password', password)}`;
}

/** Whether a stored hash predates today's parameters: after a successful check, store `hashPassword` of it again. */
export function needsRehash(stored: string): boolean {
  return !stored.startsWith(CURRENT_PREFIX) && !stored.startsWith(TEMPORARY_PREFIX);
}

/** Checks a password against what is stored: argon2id, a temporary password's keyed hash, or an older scrypt hash. */
export async function verifyPassword(password: string, stored: string, keys?: SecretKeys): Promise<boolean> {
  if (stored.startsWith('$argon2')) return argon2Verify(stored, password).catch(() => false);
  if (stored.startsWith(TEMPORARY_PREFIX)) return keys !== undefined && sameHash(stored, hashTemporaryPassword(keys, password));
  return verifyScrypt(password, stored);
}

/** The scheme before argon2id: `scrypt$N$r$p$salt$hash`. */
export async function hashWithScrypt(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password, salt, 32, SCRYPT);
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

async function verifyScrypt(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: SCRYPT.maxmem,
  });
  return timingSafeEqual(actual, expected);
}

/** Normalises an authentication answer so that case and spacing do not matter. */
export function normaliseAnswer(answer: string): string {
  return answer.trim().replace(/\s+/g, ' ').toLowerCase();
}

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** A bearer token (applicant or session) as stored: a keyed hash, so a copy of the database opens nothing. */
export function tokenHash(keys: SecretKeys, token: string): string {
  return keyedHash(keys, 'bearer-token', token);
}

export function randomDigits(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += String(randomInt(10));
  return out;
}

/** A temporary one-time password that satisfies the password policy (15+ chars, upper, lower, digit). */
export function temporaryPassword(): string {
  const upper = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
  const lower = 'abcdefghijkmnopqrstuvwxyz';
  const digits = '23456789';
  const all = upper + lower + digits;
  const pick = (set: string) => set[randomInt(set.length)]!;
  const chars = [pick(upper), pick(lower), pick(digits), ...Array.from({ length: 15 }, () => pick(all))];
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join('');
}

export function keysFromBase64(hashKey: string, fieldKey: string): SecretKeys {
  const keys = { hashKey: Buffer.from(hashKey, 'base64'), fieldKey: Buffer.from(fieldKey, 'base64') };
  if (keys.hashKey.length < 32 || keys.fieldKey.length !== 32) throw new Error('secret keys must be 32 bytes, base64-encoded');
  return keys;
}
