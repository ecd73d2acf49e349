/**
 * Accounts after provisioning: login with server-side sessions, the first-login password
 * change, authentication questions, and the configured EUS Help Desk account.
 */
import { AccountModel, SessionModel } from '../models/account';
import { passwordProblems } from '../domain/password-policy';
import type { Principal } from '../domain/approval-routing';
import { hashPassword, normaliseAnswer, randomToken, tokenHash, verifyPassword } from '../security/secrets';
import { AUTHENTICATION_QUESTIONS, MIN_ANSWERS } from './questions';

export const MAX_FAILED_LOGINS = 5;
export const LOCKOUT_MS = 30 * 60 * 1000;
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

export function createAccountService(opts: { sessionTtlMs: number }) {
  async function login(userId: string, password: string): Promise<{ token: string; mustChangePassword: boolean; mustAnswerQuestions: boolean }> {
    const account = await AccountModel.findOne({ userId: userId.toUpperCase() });
    const refused = new AccountError('UNAUTHORIZED', 'the user ID or password is not correct');
    if (!account?.passwordHash) throw refused;
    if (account.lockedUntil && account.lockedUntil > new Date()) throw new AccountError('UNAUTHORIZED', 'the account is locked for a while after repeated failed logins');
    if (!(await verifyPassword(password, account.passwordHash))) {
      const failed = account.failedLogins + 1;
      await AccountModel.updateOne(
        { _id: account._id },
        failed >= MAX_FAILED_LOGINS ? { $set: { failedLogins: 0, lockedUntil: new Date(Date.now() + LOCKOUT_MS) } } : { $set: { failedLogins: failed } },
      );
      throw refused;
    }
    if (account.passwordIsTemporary && account.temporaryPasswordExpiresAt && account.temporaryPasswordExpiresAt < new Date())
      throw new AccountError('UNAUTHORIZED', 'the temporary password has expired: contact your Help Desk');
    await AccountModel.updateOne({ _id: account._id }, { $set: { failedLogins: 0 }, $unset: { lockedUntil: 1 } });
    const token = randomToken();
    await SessionModel.create({ tokenHash: tokenHash(token), userId: account.userId, expiresAt: new Date(Date.now() + opts.sessionTtlMs) });
    return { token, ...obligations(account) };
  }

  function obligations(account: { passwordIsTemporary: boolean; authenticationAnswers: unknown[]; roles: { role: string }[] }) {
    const helpDesk = account.roles.some((r) => r.role === 'HELP_DESK');
    return {
      mustChangePassword: account.passwordIsTemporary,
      mustAnswerQuestions: !helpDesk && account.authenticationAnswers.length < MIN_ANSWERS,
    };
  }

  async function sessionFor(token: string): Promise<Session | undefined> {
    const session = await SessionModel.findOne({ tokenHash: tokenHash(token) });
    if (!session || session.expiresAt < new Date()) return undefined;
    const account = await AccountModel.findOne({ userId: session.userId });
    if (!account) return undefined;
    return {
      userId: account.userId,
      roles: account.roles.map((r) => ({ role: r.role as Principal['roles'][number]['role'], organizationId: r.organizationId ?? undefined, userGroupId: r.userGroupId ?? undefined })),
      ...obligations(account),
    };
  }

  async function logout(token: string): Promise<void> {
    await SessionModel.deleteOne({ tokenHash: tokenHash(token) });
  }

  async function changePassword(userId: string, currentPassword: string, newPassword: string): Promise<void> {
    const account = await AccountModel.findOne({ userId });
    if (!account?.passwordHash || !(await verifyPassword(currentPassword, account.passwordHash)))
      throw new AccountError('INVALID', 'the current password is not correct', [{ path: 'currentPassword', message: 'is not correct' }]);
    const problems = passwordProblems(newPassword, account);
    for (const previous of [account.passwordHash, ...account.previousPasswordHashes]) {
      if (await verifyPassword(newPassword, previous)) {
        problems.push(`must not be one of your last ${PASSWORD_HISTORY} passwords`);
        break;
      }
    }
    if (problems.length > 0) throw new AccountError('INVALID', 'the new password does not meet the password policy', problems.map((message) => ({ path: 'newPassword', message })));
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
  }

  async function answerQuestions(userId: string, answers: { questionId: string; answer: string }[]): Promise<void> {
    const known = new Set<string>(AUTHENTICATION_QUESTIONS.map((q) => q.id));
    const errors = answers.flatMap((a, i) => (known.has(a.questionId) ? [] : [{ path: `answers.${i}.questionId`, message: 'is not one of the questions' }]));
    if (errors.length > 0) throw new AccountError('INVALID', 'unknown questions', errors);
    const hashed = await Promise.all(answers.map(async (a) => ({ questionId: a.questionId, answerHash: await hashPassword(normaliseAnswer(a.answer)) })));
    await AccountModel.updateOne({ userId }, { $set: { authenticationAnswers: hashed } });
  }

  /** Creates the EUS Help Desk account from configuration, or brings its password in line. */
  async function ensureHelpDesk(helpDesk: { userId: string; password: string; email: string }): Promise<void> {
    const userId = helpDesk.userId.toUpperCase();
    const existing = await AccountModel.findOne({ userId });
    if (existing?.passwordHash && (await verifyPassword(helpDesk.password, existing.passwordHash))) return;
    await AccountModel.updateOne(
      { userId },
      {
        $set: { passwordHash: await hashPassword(helpDesk.password), passwordIsTemporary: false, roles: [{ role: 'HELP_DESK' }] },
        $setOnInsert: { userId, email: helpDesk.email, firstName: 'EUS', lastName: 'Help Desk' },
      },
      { upsert: true },
    );
  }

  return { login, sessionFor, logout, changePassword, answerQuestions, ensureHelpDesk };
}

export type AccountService = ReturnType<typeof createAccountService>;
