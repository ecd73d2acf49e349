/**
 * The console's account pages: sign in (the account service of `POST /auth/login`), sign out,
 * and the first-login password change and authentication questions, after which an account
 * lands where it starts (`landingFor`) or on the page a link asked for (a safe `next`).
 */
import { Router } from 'express';
import { z } from 'zod';
import { AccountError } from '../../accounts/account-service';
import { AUTHENTICATION_QUESTIONS } from '../../accounts/questions';
import type { RateRules } from '../../domain/abuse-limits';
import { loginSchema, passwordChangeSchema, questionAnswersSchema } from '../../domain/schemas';
import { HttpProblem, parse } from '../problem';
import { byAddress, byBodyField, rateLimit } from '../rate-limit';
import { fieldProblem, formOf, seeOther, sendPage } from './forms';
import { html, type Html } from './html';
import { csrfField, errorsByField, errorSummary, field, page, select, type ErrorsByField } from './layout';
import {
  ACCOUNT_COOKIE,
  admitted,
  checkOrigin,
  clearCookie,
  landingFor,
  safeNext,
  setCookie,
  signedInOf,
  signedOf,
  withNext,
  type ConsoleDeps,
  type SignedIn,
} from './session';

export interface AccountConsoleDeps extends ConsoleDeps {
  rateRules: RateRules;
}

/** The page to land on after sign-in, carried through the sign-in and first-login forms. */
const nextQuerySchema = z.strictObject({ next: z.string().max(500).optional() });
const nextField = (next: string | undefined) => (next ? html`<input type="hidden" name="next" value="${next}" />` : '');

export function accountConsoleRoutes(deps: AccountConsoleDeps): Router {
  const router = Router();
  signInRoutes(router, deps);
  firstLoginRoutes(router, deps);
  return router;
}

function signInRoutes(router: Router, deps: AccountConsoleDeps): void {
  const { accounts } = deps;
  function signInPage(opts: { userId?: string; detail?: string; errors?: ErrorsByField; notice?: string; next?: string } = {}): Html {
    return page(
      'Sign in',
      html`${opts.notice ? html`<p class="notice" role="status">${opts.notice}</p>` : ''} ${errorSummary(opts.detail, opts.errors)}
        <form method="post" action="/console/sign-in" novalidate>
          ${nextField(opts.next)}
          ${field({ path: 'userId', label: 'User ID', value: opts.userId, errors: opts.errors, autocomplete: 'username', required: true, autofocus: true })}
          ${field({ path: 'password', label: 'Password', type: 'password', errors: opts.errors, autocomplete: 'current-password', required: true })}
          <button type="submit">Sign in</button>
        </form>
        <p>New to IACS? <a href="/console/apply">Register</a>. Need help? Call the EUS Help Desk with your request's tracking number.</p>`,
    );
  }

  router.get('/console', async (req, res) => {
    const signed = await signedInOf(req, deps);
    seeOther(res, signed ? landingFor(signed.caller) : '/console/sign-in');
  });

  router.get('/console/sign-in', (req, res) => {
    const { signedOut, next } = parse(nextQuerySchema.extend({ signedOut: z.literal('1').optional() }), req.query, 'query', 'query');
    sendPage(res, signInPage({ notice: signedOut ? 'You are signed out.' : undefined, next: safeNext(next) }));
  });

  router.post(
    '/console/sign-in',
    (req, _res, next) => {
      checkOrigin(req, deps);
      next();
    },
    rateLimit(deps.rateRules, 'loginsPerUserId', byBodyField('userId')),
    rateLimit(deps.rateRules, 'loginsPerAddress', byAddress),
    async (req, res) => {
      const form = formOf(req);
      const next = safeNext(form.next);
      try {
        const { userId, password } = parse(loginSchema, { userId: form.userId ?? '', password: form.password ?? '' }, 'login');
        const session = await accounts.login(userId, password);
        setCookie(res, deps, ACCOUNT_COOKIE, session.token, deps.sessionTtlMs);
        // `/console` sends each account to where it starts (landingFor), unless a link asked for a page.
        seeOther(
          res,
          session.mustChangePassword || session.mustAnswerQuestions ? withNext('/console/first-login', next) : (next ?? '/console'),
        );
      } catch (err) {
        const problem = fieldProblem(err);
        sendPage(
          res,
          signInPage({ userId: form.userId, detail: problem.detail, errors: errorsByField(problem.errors, ['userId', 'password']), next }),
          {
            status: err instanceof AccountError && err.kind === 'UNAUTHORIZED' ? 401 : 400,
          },
        );
      }
    },
  );

  router.post('/console/sign-out', async (req, res) => {
    const signed = await admitted(req, res, deps, 'account:first-login');
    if (!signed) return;
    await accounts.logout(signed.token);
    clearCookie(res, deps, ACCOUNT_COOKIE);
    seeOther(res, '/console/sign-in?signedOut=1');
  });
}

const PASSWORD_FIELDS = ['currentPassword', 'newPassword', 'confirmPassword'];
const QUESTION_FIELDS = ['answers.0.questionId', 'answers.0.answer', 'answers.1.questionId', 'answers.1.answer'];
const questionOptions = [
  { value: '', label: 'Choose a question' },
  ...AUTHENTICATION_QUESTIONS.map((q) => ({ value: q.id, label: q.text })),
];

function passwordPage(signed: SignedIn, opts: { detail?: string; errors?: ErrorsByField; next?: string } = {}): Html {
  return page(
    'Change your temporary password',
    html`<p>Before you use the console, choose your own password, then answer two authentication questions.</p>
      ${errorSummary(opts.detail, opts.errors)}
      <form method="post" action="/console/first-login/password" novalidate>
        ${csrfField(signed.csrf)} ${nextField(opts.next)}
        ${field({ path: 'currentPassword', label: 'Temporary password (from the email)', type: 'password', errors: opts.errors, autocomplete: 'current-password', required: true, autofocus: true })}
        ${field({
          path: 'newPassword',
          label: 'New password',
          type: 'password',
          errors: opts.errors,
          autocomplete: 'new-password',
          required: true,
          hint: '15 to 60 characters, with an upper-case and a lower-case letter and a digit; no part of your user ID or name; none of your last 6 passwords.',
        })}
        ${field({ path: 'confirmPassword', label: 'New password again', type: 'password', errors: opts.errors, autocomplete: 'new-password', required: true })}
        <button type="submit">Change password</button>
      </form>`,
    signedOf(signed),
  );
}

function questionsPage(
  signed: SignedIn,
  opts: { form?: Record<string, string>; detail?: string; errors?: ErrorsByField; next?: string } = {},
): Html {
  const f = opts.form ?? {};
  const pair = (n: 0 | 1) =>
    html`<fieldset>
      <legend>Question ${n + 1}</legend>
      ${select({ path: `answers.${n}.questionId`, label: 'Question', options: questionOptions, value: f[`answers.${n}.questionId`], errors: opts.errors, required: true, autofocus: n === 0 })}
      ${field({ path: `answers.${n}.answer`, label: 'Your answer', value: f[`answers.${n}.answer`], errors: opts.errors, autocomplete: 'off', required: true })}
    </fieldset>`;
  return page(
    'Answer two authentication questions',
    html`<p>The Help Desk uses these answers to recognise you if you forget your password.</p>
      ${errorSummary(opts.detail, opts.errors)}
      <form method="post" action="/console/first-login/questions" novalidate>
        ${csrfField(signed.csrf)} ${nextField(opts.next)} ${pair(0)} ${pair(1)}
        <button type="submit">Save answers</button>
      </form>`,
    signedOf(signed),
  );
}

function firstLoginRoutes(router: Router, deps: AccountConsoleDeps): void {
  const { accounts } = deps;
  router.get('/console/first-login', async (req, res) => {
    const signed = await admitted(req, res, deps, 'account:first-login');
    if (!signed) return;
    const next = safeNext(parse(nextQuerySchema, req.query, 'query', 'query').next);
    if (signed.caller.mustChangePassword) return sendPage(res, passwordPage(signed, { next }));
    if (signed.caller.mustAnswerQuestions) return sendPage(res, questionsPage(signed, { next }));
    seeOther(res, next ?? '/console/queue');
  });

  router.post('/console/first-login/password', async (req, res) => {
    const signed = await admitted(req, res, deps, 'account:first-login');
    if (!signed) return;
    const form = formOf(req);
    const next = safeNext(form.next);
    try {
      const body = parse(
        passwordChangeSchema,
        { currentPassword: form.currentPassword ?? '', newPassword: form.newPassword ?? '' },
        'password change',
      );
      if (form.confirmPassword !== body.newPassword)
        throw new HttpProblem(400, 'the two new passwords differ', [
          { path: 'confirmPassword', message: 'must be the same as the new password' },
        ]);
      await accounts.changePassword(signed.caller.userId, body.currentPassword, body.newPassword);
      seeOther(res, withNext('/console/first-login', next));
    } catch (err) {
      const problem = fieldProblem(err);
      sendPage(res, passwordPage(signed, { detail: problem.detail, errors: errorsByField(problem.errors, PASSWORD_FIELDS), next }), {
        status: 400,
      });
    }
  });

  router.post('/console/first-login/questions', async (req, res) => {
    const signed = await admitted(req, res, deps, 'account:first-login');
    if (!signed) return;
    const form = formOf(req);
    const next = safeNext(form.next);
    if (signed.caller.mustChangePassword) return seeOther(res, withNext('/console/first-login', next));
    try {
      const answers = [0, 1].map((n) => ({ questionId: form[`answers.${n}.questionId`] ?? '', answer: form[`answers.${n}.answer`] ?? '' }));
      const body = parse(questionAnswersSchema, { answers }, 'answers');
      await accounts.answerQuestions(signed.caller.userId, body.answers);
      seeOther(res, next ?? '/console/queue');
    } catch (err) {
      const problem = fieldProblem(err);
      // "each question may be answered once" names the list: it belongs next to the second question.
      const errors = problem.errors.map((e) => (e.path === 'answers' ? { ...e, path: 'answers.1.questionId' } : e));
      sendPage(res, questionsPage(signed, { form, detail: problem.detail, errors: errorsByField(errors, QUESTION_FIELDS), next }), {
        status: 400,
      });
    }
  });
}
