/**
 * Accounts after provisioning: login with server-side sessions, the first-login password
 * change, authentication questions, and the configured EUS Help Desk account.
 */
import { randomUUID } from 'node:crypto';
import { appendAudit } from '../audit/audit-log';
import { AccountModel, roleGrantsOf, SessionModel } from '../models/account';
import { listDecider } from '../models/approver-keys';
import { expireAt } from '../models/expiry';
import { passwordProblems } from '../domain/password-policy';
import type { Principal } from '../domain/approval-routing';
import { hashPassword, needsRehash, normaliseAnswer, randomToken, tokenHash, verifyPassword, type SecretKeys } from '../security/secrets';
import { AUTHENTICATION_QUESTIONS, MIN_ANSWERS } from './questions';

const MAX_FAILED_LOGINS = 5;
const LOCKOUT_MS = 30 * 60 * 1000;
const PASSWORD_HISTORY = 6;

export interface Session extends Principal {
  mustChangePassword: boolean;
  mustAnswerQuestions: boolean;
}

export class AccountError extends Error {
  constructor(
    readonly kind: 'UNAUTHORIZED' | 'INVALID',
    message: string,
    readonly errors: { path: string; message: string }[] = [],
  ) {
    super(message);
  }
}

/**
 * Account events for the audit log. These are not retried activities, so each key is unique.
 * `data` never holds a password, token or answer.
 */
type AccountAuditKind =
  | 'LOGIN_SUCCEEDED'
  | 'LOGIN_FAILED'
  | 'ACCOUNT_LOCKED'
  | 'LOGOUT'
  | 'PASSWORD_CHANGED'
  | 'AUTHENTICATION_QUESTIONS_SET'
  | `${ConfiguredRole}_ACCOUNT_CONFIGURED`;

/** Standing accounts whose credentials come from configuration, not from a registration. */
type ConfiguredRole = 'HELP_DESK' | 'OPERATOR';
const CONFIGURED_ROLES: readonly string[] = ['HELP_DESK', 'OPERATOR'] satisfies ConfiguredRole[];

async function auditAccount(
  kind: AccountAuditKind,
  userId: string,
  event: { actor?: string; data?: Record<string, unknown> } = {},
): Promise<void> {
  await appendAudit(`${kind}:${userId}:${randomUUID()}`, { kind, ...event });
}

/** Whether a password is one of those stored hashes (argon2id, scrypt, or a temporary password's keyed hash). */
async function matchesAny(password: string, hashes: readonly string[], keys: SecretKeys): Promise<boolean> {
  for (const hash of hashes) if (await verifyPassword(password, hash, keys)) return true;
  return false;
}

async function login(
  opts: AccountServiceOptions,
  userId: string,
  password: string,
): Promise<{ token: string; mustChangePassword: boolean; mustAnswerQuestions: boolean }> {
  const account = await AccountModel.findById(userId.toUpperCase());
  const refused = new AccountError('UNAUTHORIZED', 'the user ID or password is not correct');
  // The user ID as typed is recorded, never the password.
  const failedLogin = (reason: string) => auditAccount('LOGIN_FAILED', userId, { data: { userId, reason } });
  if (!account?.passwordHash) {
    await failedLogin(account ? 'NO_PASSWORD' : 'UNKNOWN_USER_ID');
    throw refused;
  }
  if (account.deactivatedAt) {
    await failedLogin('DEACTIVATED');
    throw new AccountError('UNAUTHORIZED', 'the account is deactivated: contact your Help Desk');
  }
  if (account.lockedUntil && account.lockedUntil > new Date()) {
    await failedLogin('LOCKED');
    throw new AccountError('UNAUTHORIZED', 'the account is locked for a while after repeated failed logins');
  }
  if (!(await verifyPassword(password, account.passwordHash, opts.keys))) {
    const failed = account.failedLogins + 1;
    const lockedUntil = failed >= MAX_FAILED_LOGINS ? new Date(Date.now() + LOCKOUT_MS) : undefined;
    await AccountModel.updateOne(
      { _id: account._id },
      lockedUntil ? { $set: { failedLogins: 0, lockedUntil } } : { $set: { failedLogins: failed } },
    );
    await failedLogin('WRONG_PASSWORD');
    if (lockedUntil)
      await auditAccount('ACCOUNT_LOCKED', account.userId, { data: { userId: account.userId, failedLogins: failed, lockedUntil } });
    throw refused;
  }
  if (account.passwordIsTemporary && account.temporaryPasswordExpiresAt && account.temporaryPasswordExpiresAt < new Date()) {
    await failedLogin('TEMPORARY_PASSWORD_EXPIRED');
    throw new AccountError('UNAUTHORIZED', 'the temporary password has expired: contact your Help Desk');
  }
  // A hash made with older parameters (scrypt) is replaced now that the password is at hand.
  const rehashed = needsRehash(account.passwordHash) ? { passwordHash: await hashPassword(password) } : {};
  // Written only when something changes: most logins have no failures to forget and no old hash.
  if (account.failedLogins > 0 || account.lockedUntil || rehashed.passwordHash)
    await AccountModel.updateOne({ _id: account._id }, { $set: { failedLogins: 0, ...rehashed }, $unset: { lockedUntil: 1 } });
  const token = randomToken();
  const expiresAt = new Date(Date.now() + opts.sessionTtlMs);
  const sessionId = tokenHash(opts.keys, token);
  await SessionModel.create({ _id: sessionId, userId: account.userId, expiresAt });
  await expireAt('session', sessionId, expiresAt);
  await auditAccount('LOGIN_SUCCEEDED', account.userId, { actor: account.userId });
  return { token, ...obligations(account) };
}

function obligations(account: { passwordIsTemporary: boolean; authenticationAnswers: unknown[]; roles: { role: string }[] }) {
  // Configured accounts have no one to recover them through questions: configuration does.
  const configured = account.roles.some((r) => CONFIGURED_ROLES.includes(r.role));
  return {
    mustChangePassword: account.passwordIsTemporary,
    mustAnswerQuestions: !configured && account.authenticationAnswers.length < MIN_ANSWERS,
  };
}

async function sessionFor(opts: AccountServiceOptions, token: string): Promise<Session | undefined> {
  const session = await SessionModel.findById(tokenHash(opts.keys, token)).lean();
  if (!session || session.expiresAt < new Date()) return undefined;
  const account = await AccountModel.findById(session.userId).lean();
  if (!account || account.deactivatedAt) return undefined;
  return {
    userId: account.userId,
    roles: roleGrantsOf(account),
    ...obligations(account),
  };
}

async function logout(opts: AccountServiceOptions, token: string): Promise<void> {
  const session = await SessionModel.findById(tokenHash(opts.keys, token)).lean();
  if (!session) return;
  const { deletedCount } = await SessionModel.deleteOne({ _id: session._id });
  if (deletedCount > 0) await auditAccount('LOGOUT', session.userId, { actor: session.userId });
}

async function changePassword(opts: AccountServiceOptions, userId: string, currentPassword: string, newPassword: string): Promise<void> {
  const account = await AccountModel.findById(userId);
  if (!account?.passwordHash || !(await verifyPassword(currentPassword, account.passwordHash, opts.keys)))
    throw new AccountError('INVALID', 'the current password is not correct', [{ path: 'currentPassword', message: 'is not correct' }]);
  const problems = passwordProblems(newPassword, account);
  // The current password was just checked: the new one is compared with it as typed, then with the hashes of the ones before.
  const reused = newPassword === currentPassword || (await matchesAny(newPassword, account.previousPasswordHashes, opts.keys));
  if (reused) problems.push(`must not be one of your last ${PASSWORD_HISTORY} passwords`);
  if (problems.length > 0)
    throw new AccountError(
      'INVALID',
      'the new password does not meet the password policy',
      problems.map((message) => ({ path: 'newPassword', message })),
    );
  await AccountModel.updateOne(
    { _id: account._id },
    {
      $set: {
        passwordHash: await hashPassword(newPassword),
        passwordIsTemporary: false,
        previousPasswordHashes: [account.passwordHash, ...account.previousPasswordHashes].slice(0, PASSWORD_HISTORY - 1),
      },
      $unset: { temporaryPasswordExpiresAt: 1 },
    },
  );
  await auditAccount('PASSWORD_CHANGED', account.userId, { actor: account.userId, data: { wasTemporary: account.passwordIsTemporary } });
}

async function answerQuestions(userId: string, answers: { questionId: string; answer: string }[]): Promise<void> {
  const known = new Set<string>(AUTHENTICATION_QUESTIONS.map((q) => q.id));
  const errors = answers.flatMap((a, i) =>
    known.has(a.questionId) ? [] : [{ path: `answers.${i}.questionId`, message: 'is not one of the questions' }],
  );
  if (errors.length > 0) throw new AccountError('INVALID', 'unknown questions', errors);
  const hashed = await Promise.all(
    answers.map(async (a) => ({ questionId: a.questionId, answerHash: await hashPassword(normaliseAnswer(a.answer)) })),
  );
  await AccountModel.updateOne({ _id: userId }, { $set: { authenticationAnswers: hashed } });
  // The question IDs only: the answers are secrets.
  await auditAccount('AUTHENTICATION_QUESTIONS_SET', userId, { actor: userId, data: { questionIds: answers.map((a) => a.questionId) } });
}

/** Creates a standing account from configuration (the EUS Help Desk, an operator), or brings its password in line. */
async function ensureConfiguredAccount(account: {
  userId: string;
  password: string;
  email: string;
  role: ConfiguredRole;
  name: string;
}): Promise<void> {
  const userId = account.userId.toUpperCase();
  const existing = await AccountModel.findById(userId);
  const current = existing?.passwordHash;
  if (current && !needsRehash(current) && (await verifyPassword(account.password, current))) return;
  await AccountModel.updateOne(
    { _id: userId },
    {
      $set: { passwordHash: await hashPassword(account.password), passwordIsTemporary: false, roles: [{ role: account.role }] },
      $setOnInsert: { userId, email: account.email, firstName: account.name, lastName: account.name },
    },
    { upsert: true },
  );
  // The Help Desk decides requests routed to it: listed under its key once it exists (an operator
  // decides none). An account unchanged since an earlier start was listed then, or by listDecidersOnce.
  await listDecider({ userId, roles: [{ role: account.role }] });
  await auditAccount(`${account.role}_ACCOUNT_CONFIGURED`, userId, {
    actor: 'configuration',
    data: { userId, roles: [account.role], created: !existing },
  });
}

interface AccountServiceOptions {
  sessionTtlMs: number;
  keys: SecretKeys;
}

/** The account use cases, bound to the session lifetime and the keys. */
export function createAccountService(opts: AccountServiceOptions) {
  return {
    login: (userId: string, password: string) => login(opts, userId, password),
    sessionFor: (token: string) => sessionFor(opts, token),
    logout: (token: string) => logout(opts, token),
    changePassword: (userId: string, currentPassword: string, newPassword: string) =>
      changePassword(opts, userId, currentPassword, newPassword),
    answerQuestions,
    ensureConfiguredAccount,
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
