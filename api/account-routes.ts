/** Login, first-login obligations (new password, authentication questions) and logout. */
import { Router, type NextFunction, type Request, type Response } from 'express';
import { AccountError, type AccountService, type Session } from '../accounts/account-service';
import { AUTHENTICATION_QUESTIONS } from '../accounts/questions';
import { loginSchema, passwordChangeSchema, questionAnswersSchema } from '../domain/schemas';
import { bearerToken } from './bearer';
import { HttpProblem, parse } from './problem';

function asProblem(err: unknown): unknown {
  if (err instanceof AccountError) return new HttpProblem(err.kind === 'UNAUTHORIZED' ? 401 : 422, err.message, err.errors);
  return err;
}

/** Resolves the caller's session; `complete` also demands a changed password and answered questions. */
export function requireAccount(accounts: AccountService, opts: { complete: boolean }) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const session = await accounts.sessionFor(bearerToken(req));
    if (!session) throw new HttpProblem(401, 'the session is not valid or has expired');
    if (opts.complete && (session.mustChangePassword || session.mustAnswerQuestions))
      throw new HttpProblem(403, 'change your temporary password and answer two authentication questions first');
    res.locals.session = session;
    next();
  };
}

export function sessionOf(res: Response): Session {
  return res.locals.session as Session;
}

export function accountRoutes(accounts: AccountService): Router {
  const router = Router();
  const firstLogin = requireAccount(accounts, { complete: false });

  router.post('/auth/login', async (req, res) => {
    const { userId, password } = parse(loginSchema, req.body, 'login');
    try {
      res.json(await accounts.login(userId, password));
    } catch (err) {
      throw asProblem(err);
    }
  });

  router.post('/auth/logout', firstLogin, async (req, res) => {
    await accounts.logout(bearerToken(req));
    res.status(204).end();
  });

  router.post('/auth/password', firstLogin, async (req, res) => {
    const { currentPassword, newPassword } = parse(passwordChangeSchema, req.body, 'password change');
    try {
      await accounts.changePassword(sessionOf(res).userId, currentPassword, newPassword);
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
    if (sessionOf(res).mustChangePassword) throw new HttpProblem(409, 'change your temporary password first');
    try {
      await accounts.answerQuestions(sessionOf(res).userId, answers);
    } catch (err) {
      throw asProblem(err);
    }
    res.status(204).end();
  });

  router.get('/me', requireAccount(accounts, { complete: true }), (_req, res) => {
    const { userId, roles } = sessionOf(res);
    res.json({ userId, roles });
  });

  return router;
}
