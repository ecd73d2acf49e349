/** Passwords and answers: argon2id with OWASP's parameters; older scrypt hashes still verify and ask to be rehashed. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config';
import { hashPassword, hashTemporaryPassword, hashWithScrypt, keysFromBase64, needsRehash, verifyPassword } from '../../security/secrets';

describe('password hashing', () => {
  it('hashes with argon2id, 19 MiB, 2 iterations, 1 lane, a fresh salt each time', async () => {
    const a = await hashPassword('Correct-Horse-Battery-9');
    const b = await hashPassword('Correct-Horse-Battery-9');
    expect(a).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('Correct-Horse-Battery-9', a)).toBe(true);
    expect(await verifyPassword('Correct-Horse-Battery-8', a)).toBe(false);
    expect(needsRehash(a)).toBe(false);
  });

  it('still verifies scrypt hashes made before, and says they need a rehash', async () => {
    const old = await hashWithScrypt('Correct-Horse-Battery-9');
    expect(old).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(await verifyPassword('Correct-Horse-Battery-9', old)).toBe(true);
    expect(await verifyPassword('wrong', old)).toBe(false);
    expect(needsRehash(old)).toBe(true);
  });

  it('refuses what is no hash at all', async () => {
    expect(await verifyPassword('x', 'not-a-hash')).toBe(false);
    expect(await verifyPassword('x', '$argon2id$v=19$m=19456,t=2,p=1$broken')).toBe(false);
  });
});

describe('temporary passwords', () => {
  const keys = keysFromBase64(loadConfig({}).hashKey, loadConfig({}).fieldKey);
  it('are kept as a keyed hash that only the hash key verifies, and need no rehash', async () => {
    const stored = hashTemporaryPassword(keys, 'Temp0raryPassw0rdX');
    expect(stored).toMatch(/^hmac\$/);
    expect(stored).not.toContain('Temp0raryPassw0rdX');
    expect(await verifyPassword('Temp0raryPassw0rdX', stored, keys)).toBe(true);
    expect(await verifyPassword('Temp0raryPassw0rdY', stored, keys)).toBe(false);
    expect(await verifyPassword('Temp0raryPassw0rdX', stored)).toBe(false);
    const otherKeys = keysFromBase64(Buffer.alloc(32, 7).toString('base64'), loadConfig({}).fieldKey);
    expect(await verifyPassword('Temp0raryPassw0rdX', stored, otherKeys)).toBe(false);
    expect(needsRehash(stored)).toBe(false);
  });
});
