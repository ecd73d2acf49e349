/** Login, first-login obligations (new password, authentication questions) and logout. */
import { Router } from 'express';
import { AccountError } from '../accounts/account-service';
import { AUTHENTICATION_QUESTIONS } from '../accounts/questions';
import { loginSchema, passwordChangeSchema, questionAnswersSchema } from '../domain/schemas';
import { bearerToken } from './bearer';
import type { RateRules } from '../domain/abuse-limits';
import { noBody } from './empty-input';
import { accountOf, guard, type GuardDeps } from './guard';
import { byAddress, byBodyField, rateLimit } from './rate-limit';
import { HttpProblem, parse } from './problem';

function asProblem(err: unknown): unknown {
  if (err instanceof AccountError) return new HttpProblem(err.kind === 'UNAUTHORIZED' ? 401 : 422, err.message, err.errors);
  return err;
}

export function accountRoutes(deps: GuardDeps & { rateRules: RateRules }): Router {
  const { accounts } = deps;
  const router = Router();
  const firstLogin = guard('account:first-login', deps);

  router.post(
    '/auth/login',
    rateLimit(deps.rateRules, 'loginsPerUserId', byBodyField('userId')),
    rateLimit(deps.rateRules, 'loginsPerAddress', byAddress),
    guard('session:start', deps),
    async (req, res) => {
      const { userId, password } = parse(loginSchema, req.body, 'login');
      try {
        res.json(await accounts.login(userId, password));
      } catch (err) {
        throw asProblem(err);
      }
    },
  );

  router.post('/auth/logout', firstLogin, noBody, async (req, res) => {
    await accounts.logout(bearerToken(req));
    res.status(204).end();
  });

  router.post('/auth/password', firstLogin, async (req, res) => {
    const { currentPassword, newPassword } = parse(passwordChangeSchema, req.body, 'password change');
    try {
      await accounts.changePassword(accountOf(res).userId, currentPassword, newPassword);
    } catch (err) {
      throw asProblem(err);
    }
    res.status(204).end();
  });

  router.get('/auth/questions', firstLogin, (_req, res) => {
    res.json(AUTHENTICATION_QUESTIONS);
  });

  router.put('/me/authentication-questions', firstLogin, async (req, res) => {
    const { answers } = parse(questionAnswersSchema, req.body, 'answers');
    if (accountOf(res).mustChangePassword) throw new HttpProblem(409, 'change your temporary password first');
    try {
      await accounts.answerQuestions(accountOf(res).userId, answers);
    } catch (err) {
      throw asProblem(err);
    }
    res.status(204).end();
  });

  router.get('/me', guard('account:use', deps), (_req, res) => {
    const { userId, roles } = accountOf(res);
    res.json({ userId, roles });
  });

  return router;
}
