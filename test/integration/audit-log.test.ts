/**
 * The hash-chained audit log on real FerretDB: appends chain up (also when racing), a key
 * appends once, and an edited, deleted or truncated log is caught, by the library and by the
 * `scripts/audit.ts` command.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAccountService } from '../../accounts/account-service';
import { appendAudit, forgetKnownChainEnd, type AuditEntry } from '../../audit/audit-log';
import { auditEntryHash, canonicalJson, GENESIS_HASH } from '../../audit/audit-hash';
import { verifyAuditChain } from '../../audit/audit-verification';
import { startFerretDb, type RunningFerretDb } from '../../infra/ferretdb';
import { AccountModel, SessionModel } from '../../models/account';
import { AuditEventModel, AuditHeadModel } from '../../models/audit-event';
import { connectDatabase, disconnectDatabase } from '../../models/connect';
import { hashPassword, hashTemporaryPassword, hashWithScrypt, keysFromBase64, verifyPassword } from '../../security/secrets';
import { loadConfig } from '../../config';

const repoRoot = resolve(__dirname, '..', '..');
let ferret: RunningFerretDb;
let mongodbUri: string;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'iacs-audit-'));
  ferret = await startFerretDb({ dataDir: join(dir, 'db'), logDir: dir });
  mongodbUri = `${ferret.uri.replace(/\/$/, '')}/iacs`;
  await connectDatabase(mongodbUri);
});
afterAll(async () => {
  await disconnectDatabase();
  await ferret?.stop();
});
beforeEach(async () => {
  await AuditEventModel.deleteMany({});
  await AuditHeadModel.deleteMany({});
  forgetKnownChainEnd();
});

async function appendEntries(count: number): Promise<AuditEntry[]> {
  const entries: AuditEntry[] = [];
  for (let i = 1; i <= count; i++) {
    entries.push(
      await appendAudit(`test:${i}`, { kind: 'STATUS_CHANGED', registrationId: `reg-${i}`, data: { status: 'PENDING_APPROVAL', i } }),
    );
  }
  return entries;
}

async function chain(): Promise<AuditEntry[]> {
  return AuditEventModel.find({}, { _id: 0 }).sort({ seq: 1 }).lean<AuditEntry[]>();
}

function cli(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('npx', ['tsx', 'scripts/audit.ts', ...args], { cwd: repoRoot, env: { ...process.env, MONGODB_URI: mongodbUri } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}

describe('canonical JSON', () => {
  it('sorts keys at every level, writes dates as ISO strings and drops undefined', () => {
    const at = new Date('2025-01-02T03:04:05.678Z');
    expect(canonicalJson({ b: 1, a: { d: [1, undefined, 'x'], c: at }, u: undefined })).toBe(
      '{"a":{"c":"2025-01-02T03:04:05.678Z","d":[1,null,"x"]},"b":1}',
    );
  });
});

describe('the audit log', () => {
  it('chains appended entries from the genesis hash, and the chain verifies', async () => {
    const appended = await appendEntries(5);
    const stored = await chain();
    expect(stored.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(stored[0]!.prevHash).toBe(GENESIS_HASH);
    for (const [i, entry] of stored.entries()) {
      expect(entry.hash).toBe(auditEntryHash(entry));
      expect(entry.hash).toBe(appended[i]!.hash);
      if (i > 0) expect(entry.prevHash).toBe(stored[i - 1]!.hash);
    }
    expect(await AuditHeadModel.findById('head').lean()).toMatchObject({ seq: 5, hash: stored[4]!.hash });
    expect(await verifyAuditChain()).toEqual({ ok: true, entries: 5, problems: [] });
  });

  it('an empty log verifies', async () => {
    expect(await verifyAuditChain()).toEqual({ ok: true, entries: 0, problems: [] });
  });

  it('40 concurrent appends take seq 1..40 without forking the chain', async () => {
    await Promise.all(Array.from({ length: 40 }, (_, i) => appendAudit(`concurrent:${i}`, { kind: 'LOGIN_SUCCEEDED', actor: `USER${i}` })));
    const stored = await chain();
    expect(stored.map((e) => e.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(new Set(stored.map((e) => e.prevHash)).size).toBe(40);
    expect(new Set(stored.map((e) => e.key)).size).toBe(40);
    expect(await AuditHeadModel.findById('head').lean()).toMatchObject({ seq: 40, hash: stored[39]!.hash });
    expect(await verifyAuditChain()).toEqual({ ok: true, entries: 40, problems: [] });
  });

  it('appends a key once, also when the same key is appended concurrently', async () => {
    const first = await appendAudit('once', { kind: 'ACCOUNT_PROVISIONED', registrationId: 'r1', data: { userId: 'ABCD1234' } });
    const again = await appendAudit('once', { kind: 'ACCOUNT_PROVISIONED', registrationId: 'r1', data: { userId: 'ABCD1234' } });
    expect(again).toEqual(first);
    const racing = await Promise.all(
      Array.from({ length: 5 }, () => appendAudit('racing', { kind: 'REGISTRATION_RECEIVED', registrationId: 'r2' })),
    );
    expect(new Set(racing.map((e) => e.hash)).size).toBe(1);
    expect(await AuditEventModel.countDocuments()).toBe(2);
    expect((await verifyAuditChain()).ok).toBe(true);
  });

  it('reads the end of the chain from the head, and repairs a head left behind by an appender that stopped', async () => {
    await appendEntries(3);
    // An appender that stopped between its entry and the head: entry 4 exists, the head still says 3.
    const head = await AuditHeadModel.findById('head').lean();
    await appendAudit('stopped-before-head', { kind: 'STATUS_CHANGED' });
    await AuditHeadModel.updateOne({ _id: 'head' }, { $set: { seq: head!.seq, hash: head!.hash } });
    forgetKnownChainEnd(); // as a process started after the stop knows nothing of the chain
    const next = await appendAudit('after-the-stop', { kind: 'STATUS_CHANGED' });
    expect(next.seq).toBe(5);
    expect(await AuditHeadModel.findById('head').lean()).toMatchObject({ seq: 5, hash: next.hash });
    expect(await verifyAuditChain()).toEqual({ ok: true, entries: 5, problems: [] });
    // Each entry is stored under its idempotency key.
    expect(await AuditEventModel.findById('after-the-stop').lean()).toMatchObject({ seq: 5, key: 'after-the-stop' });
  });

  it('an append after another process appended collides once, reads the head and links after it', async () => {
    const [first] = await appendEntries(1);
    // Another process appends entry 2 (this one's known end is still entry 1).
    const content = { seq: 2, key: 'other-process', at: new Date(), kind: 'LOGIN_SUCCEEDED', prevHash: first!.hash };
    const other = { ...content, hash: auditEntryHash(content) };
    await AuditEventModel.create({ _id: other.key, ...other });
    await AuditHeadModel.updateOne({ _id: 'head' }, { $set: { seq: 2, hash: other.hash } });
    const next = await appendAudit('this-process', { kind: 'STATUS_CHANGED' });
    expect(next).toMatchObject({ seq: 3, prevHash: other.hash });
    expect(await verifyAuditChain()).toEqual({ ok: true, entries: 3, problems: [] });
  });

  it('keeps data exactly as hashed: empty objects, dates and undefined members', async () => {
    await appendAudit('shapes', { kind: 'STATUS_CHANGED', data: { empty: {}, nested: { at: new Date(0), gone: undefined }, list: [] } });
    const [stored] = await chain();
    expect(stored!.data).toEqual({ empty: {}, list: [], nested: { at: '1970-01-01T00:00:00.000Z' } });
    expect((await verifyAuditChain()).ok).toBe(true);
  });

  it('reports an entry whose data was edited in the database', async () => {
    await appendEntries(5);
    await AuditEventModel.updateOne({ seq: 3 }, { $set: { 'data.status': 'APPROVED' } });
    const result = await verifyAuditChain();
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([{ seq: 3, problem: expect.stringContaining('edited') }]);
  });

  it('reports an edit that also recomputed the entry hash, at the next link', async () => {
    const [, second] = await appendEntries(3);
    const forged = { ...second!, actor: 'SOMEONEELSE' };
    await AuditEventModel.updateOne({ seq: 2 }, { $set: { actor: forged.actor, hash: auditEntryHash(forged) } });
    const result = await verifyAuditChain();
    expect(result.problems.map((p) => p.seq)).toContain(3);
    expect(result.ok).toBe(false);
  });

  it('reports a deleted entry in the middle', async () => {
    await appendEntries(5);
    await AuditEventModel.deleteOne({ seq: 3 });
    const result = await verifyAuditChain();
    expect(result).toMatchObject({ ok: false, entries: 4 });
    expect(result.problems).toEqual([{ seq: 3, problem: expect.stringContaining('deleted') }]);
  });

  it('reports a deleted last entry through the head', async () => {
    await appendEntries(5);
    await AuditEventModel.deleteOne({ seq: 5 });
    const result = await verifyAuditChain();
    expect(result).toMatchObject({ ok: false, entries: 4 });
    expect(result.problems).toEqual([{ seq: 5, problem: expect.stringContaining('tail deleted') }]);
  });

  it('reports a deleted head', async () => {
    await appendEntries(2);
    await AuditHeadModel.deleteMany({});
    expect((await verifyAuditChain()).ok).toBe(false);
    // The next append puts it back.
    await appendEntries(3);
    expect((await verifyAuditChain()).ok).toBe(true);
  });
});

/** A new End User account with the given stored password hash (any earlier one of that user ID removed). */
async function endUserWithHash(userId: string, passwordHash: string, passwordIsTemporary: boolean): Promise<void> {
  await AccountModel.deleteMany({ userId });
  await AccountModel.create({
    userId,
    email: `${userId.toLowerCase()}@example.test`,
    firstName: 'Rory',
    lastName: 'Hash',
    passwordHash,
    passwordIsTemporary,
    roles: [{ role: 'END_USER' }],
  });
}

describe('password hashes', () => {
  it('a password kept as an scrypt hash still logs in, and is stored again as argon2id', async () => {
    const accounts = createAccountService({ sessionTtlMs: 60_000, keys: keysFromBase64(loadConfig({}).hashKey, loadConfig({}).fieldKey) });
    const password = 'Older-Scheme-Passw0rd';
    await endUserWithHash('RHSH0001', await hashWithScrypt(password), false);
    await expect(accounts.login('RHSH0001', 'Wrong-Guess-Passw0rd')).rejects.toThrow();
    expect((await AccountModel.findById('RHSH0001').lean())!.passwordHash).toMatch(/^scrypt\$/);
    await accounts.login('RHSH0001', password);
    const stored = (await AccountModel.findById('RHSH0001').lean())!.passwordHash!;
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(password, stored)).toBe(true);
    // And the next login goes on working with the new hash.
    expect((await accounts.login('rhsh0001', password)).token).toEqual(expect.any(String));
  });
});

describe('password history', () => {
  it('refuses the current password and the last ones, the temporary one included', async () => {
    const keys = keysFromBase64(loadConfig({}).hashKey, loadConfig({}).fieldKey);
    const accounts = createAccountService({ sessionTtlMs: 60_000, keys });
    const temporary = 'Temporary-Issued-Passw0rd';
    await endUserWithHash('HIST0001', hashTemporaryPassword(keys, temporary), true);
    await expect(accounts.changePassword('HIST0001', temporary, temporary)).rejects.toThrow(/password policy/);
    const first = 'First-Own-Secret-Passw0rd';
    await accounts.changePassword('HIST0001', temporary, first);
    await expect(accounts.changePassword('HIST0001', first, temporary)).rejects.toThrow(/password policy/);
    const second = 'Second-Own-Secret-Passw0rd';
    await accounts.changePassword('HIST0001', first, second);
    await expect(accounts.changePassword('HIST0001', second, first)).rejects.toThrow(/password policy/);
    expect((await accounts.login('HIST0001', second)).token).toEqual(expect.any(String));
  });
});

describe('account events', () => {
  it('records logins, lockout, password change, questions and logout, with no secret', async () => {
    const accounts = createAccountService({ sessionTtlMs: 60_000, keys: keysFromBase64(loadConfig({}).hashKey, loadConfig({}).fieldKey) });
    const password = 'Initial-Secret-Passw0rd';
    const newPassword = 'Brand-New-Secret-Passw0rd9';
    await AccountModel.deleteMany({ userId: { $in: ['AUDT0001', 'AUDT0002'] } });
    await SessionModel.deleteMany({ userId: { $in: ['AUDT0001', 'AUDT0002'] } });
    for (const userId of ['AUDT0001', 'AUDT0002'])
      await AccountModel.create({
        userId,
        email: `${userId}@example.test`,
        firstName: 'Quinn',
        lastName: 'Ledger',
        passwordHash: await hashPassword(password),
        passwordIsTemporary: true,
        roles: [{ role: 'END_USER' }],
      });

    await expect(accounts.login('audt0001', 'Wrong-Guess-Passw0rd')).rejects.toThrow();
    const { token } = await accounts.login('audt0001', password);
    await accounts.changePassword('AUDT0001', password, newPassword);
    await accounts.answerQuestions('AUDT0001', [
      { questionId: 'Q1', answer: 'Secret Springfield' },
      { questionId: 'Q2', answer: 'Secret Rex' },
    ]);
    await accounts.logout(token);
    for (let i = 0; i < 5; i++) await expect(accounts.login('AUDT0002', 'Wrong-Guess-Passw0rd')).rejects.toThrow();

    const stored = await chain();
    const kinds = stored.map((e) => e.kind);
    expect(kinds.filter((k) => k === 'LOGIN_FAILED')).toHaveLength(6);
    expect(kinds).toEqual(
      expect.arrayContaining(['LOGIN_SUCCEEDED', 'PASSWORD_CHANGED', 'AUTHENTICATION_QUESTIONS_SET', 'LOGOUT', 'ACCOUNT_LOCKED']),
    );
    expect(stored.find((e) => e.kind === 'LOGIN_SUCCEEDED')).toMatchObject({ actor: 'AUDT0001' });
    expect(stored.find((e) => e.kind === 'LOGIN_FAILED')).toMatchObject({ data: { userId: 'audt0001' } });
    expect(stored.find((e) => e.kind === 'ACCOUNT_LOCKED')).toMatchObject({ data: { userId: 'AUDT0002' } });
    expect(stored.find((e) => e.kind === 'LOGOUT')).toMatchObject({ actor: 'AUDT0001' });
    const raw = JSON.stringify(stored);
    for (const secret of [password, newPassword, 'Wrong-Guess-Passw0rd', 'Springfield', 'Rex', token]) expect(raw).not.toContain(secret);
    expect((await verifyAuditChain()).ok).toBe(true);
  });
});

describe('scripts/audit.ts', () => {
  it('verify exits 0 on a good chain and 1, naming the seq, after tampering', async () => {
    await appendEntries(4);
    const good = await cli('verify');
    expect(good.stderr).not.toContain('audit:');
    expect(good).toMatchObject({ code: 0, stdout: 'audit chain ok: 4 entries\n' });

    await AuditEventModel.updateOne({ seq: 2 }, { $set: { kind: 'SOMETHING_ELSE' } });
    const bad = await cli('verify');
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/seq 2: .*edited/);
  });

  it('export writes one JSON line per entry in seq order, to stdout or a file', async () => {
    const appended = await appendEntries(3);
    const { code, stdout } = await cli('export');
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    const exported = lines.map((line) => JSON.parse(line) as AuditEntry & { at: string });
    expect(exported.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(exported.map((e) => e.hash)).toEqual(appended.map((e) => e.hash));
    // An export can be checked on its own.
    for (const entry of exported) expect(auditEntryHash({ ...entry, at: new Date(entry.at) })).toBe(entry.hash);

    const out = join(dir, 'audit.jsonl');
    expect((await cli('export', '--out', out)).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(stdout);
  });

  it('refuses an unknown command with exit 2', async () => {
    const { code, stderr } = await cli('rewrite');
    expect(code).toBe(2);
    expect(stderr).toContain('usage');
  });
});
