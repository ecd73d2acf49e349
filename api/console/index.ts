/**
 * The console in the browser, served by the API under `/console`: plain server-rendered HTML
 * with a strict content security policy, for approvers, the Help Desk and applicants. It calls
 * the same functions as the JSON routes (the API stays the one source of rules).
 */
import express, { Router, type ErrorRequestHandler } from 'express';
import { log } from '../../infra/logger';
import { HttpProblem } from '../problem';
import { applicantConsoleRoutes, type ApplicantConsoleDeps } from './applicant-routes';
import { accountConsoleRoutes, type AccountConsoleDeps } from './account-routes';
import { approverConsoleRoutes, type ApproverConsoleDeps } from './approver-routes';
import { helpDeskConsoleRoutes } from './help-desk-routes';
import { operatorConsoleRoutes, type OperatorConsoleDeps } from './operator-routes';
import type { Mailer } from '../../activities/mailer';
import { sendPage } from './forms';
import { checkOrigin } from './session';
import { html } from './html';
import { CONSOLE_CSS, page } from './layout';

type ConsoleRouteDeps = AccountConsoleDeps & ApproverConsoleDeps & ApplicantConsoleDeps & OperatorConsoleDeps & { mailer?: Mailer };

const consoleErrors: ErrorRequestHandler = (err: unknown, _req, res, _next) => {
  const problem =
    err instanceof HttpProblem
      ? err
      : typeof err === 'object' && err !== null && 'status' in err && err.status === 413
        ? new HttpProblem(413, 'the form is too large')
        : undefined;
  if (!problem) log.error('console request failed', { error: err instanceof Error ? err.message : String(err) });
  const status = problem?.status ?? 500;
  const detail = problem?.detail ?? 'something went wrong on our side';
  sendPage(
    res,
    page(
      status === 404 ? 'Not found' : status === 403 ? 'Not allowed' : status === 429 ? 'Too many attempts' : 'Something went wrong',
      html`<p role="alert">${detail}</p>
        ${
          problem && problem.errors.length > 0
            ? html`<ul>
                ${problem.errors.map((e) => html`<li>${e.path}: ${e.message}</li>`)}
              </ul>`
            : ''
        }
        <p><a href="/console">Back to the console</a></p>`,
    ),
    { status },
  );
};

export function consoleRoutes(deps: ConsoleRouteDeps): Router {
  const router = Router();
  router.use('/console', express.urlencoded({ extended: false, limit: '32kb', parameterLimit: 100 }));
  // A form posted from another site is refused before anything reads it (with SameSite=Strict cookies and CSRF tokens).
  router.post('/console/*path', (req, _res, next) => {
    checkOrigin(req, deps);
    next();
  });
  router.get('/console/assets/console.css', (_req, res) => {
    res.set('cache-control', 'public, max-age=3600').type('text/css').send(CONSOLE_CSS);
  });
  router.use(accountConsoleRoutes(deps));
  router.use(approverConsoleRoutes(deps));
  router.use(helpDeskConsoleRoutes(deps));
  router.use(operatorConsoleRoutes(deps));
  router.use(applicantConsoleRoutes(deps));
  router.use('/console', (req, _res, next) => next(new HttpProblem(404, `no page ${req.path}`)));
  router.use('/console', consoleErrors);
  return router;
}
