/** The HTTP API: a thin layer that validates input and talks to Temporal (and reads MongoDB). */
import express from 'express';
import type { Client } from '@temporalio/client';
import type { AccountService } from '../accounts/account-service';
import { applicationCatalogFrom, type Application } from '../domain/application-roles';
import type { RateRules } from '../domain/abuse-limits';
import type { RegistrationPolicy } from '../domain/registration-policy';
import type { EncryptionCodec } from '../security/payload-codec';
import type { SecretKeys } from '../security/secrets';
import { accountAdminRoutes } from './account-admin-routes';
import { accountRoutes } from './account-routes';
import { applicationRoleRoutes } from './application-role-routes';
import { codecRoutes } from './codec-routes';
import { deadlineRoutes, type ApprovalDeadlines } from './deadline-routes';
import { noBody, noQuery } from './empty-input';
import { approvalRoutes } from './approval-routes';
import { organizationRoutes } from './organization-routes';
import { createApiMetrics, type ApiMetrics } from './metrics';
import { openApiRoutes } from './openapi';
import { operationsRoutes } from './operations-routes';
import { requestContext } from './request-context';
import { HttpProblem, problemHandler } from './problem';
import { registrationRoutes } from './registration-routes';
import { QUERY_PATHS } from './route-table';
import { consoleRoutes } from './console';
import type { Mailer } from '../activities/mailer';

const isConsolePath = (path: string) => path === '/console' || path.startsWith('/console/');

interface ApiDeps {
  temporal: Client;
  taskQueue: string;
  accounts: AccountService;
  policy: RegistrationPolicy;
  rateRules: RateRules;
  codec: EncryptionCodec;
  /** Origins of the Temporal Web UI, allowed to call the codec endpoint. */
  uiOrigins: string[];
  /** Keys for the hashes of bearer tokens. */
  keys: SecretKeys;
  /** The default approval deadlines (an operator may change the policy at run time). */
  approvalDeadlines: ApprovalDeadlines;
  /** The CMS application catalog (config `applications`); read from APPLICATIONS when not given. */
  applications?: readonly Application[];
  /** This process's metrics; made here when not given. */
  metrics?: ApiMetrics;
  /** Where people reach the console (config PUBLIC_BASE_URL); default http://localhost:3000. */
  publicBaseUrl?: string;
  /** Account session lifetime, for the console's cookie (config SESSION_TTL_MS). */
  sessionTtlMs?: number;
  /** Where operators open the Temporal Web UI (config TEMPORAL_UI_URL), for the console's operator page. */
  temporalUiUrl?: string;
  /** Mail for the Help Desk's "resend the acknowledgement" (the worker sends every other email). */
  mailer?: Mailer;
}

export function createApp(deps: ApiDeps): express.Express {
  const app = express();
  const metrics = deps.metrics ?? createApiMetrics();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  // Every answer is `cache-control: no-store`, so no client revalidates: no ETag to hash.
  app.set('etag', false);
  app.use(requestContext, metrics.timing);
  app.use((_req, res, next) => {
    res.set({
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
      'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
      'cross-origin-resource-policy': 'same-origin',
      'strict-transport-security': 'max-age=31536000; includeSubDomains',
    });
    next();
  });
  app.use(express.json({ limit: '32kb', strict: true, type: ['application/json', 'application/*+json'] }));
  // Only the routes the route table gives a query take one (the organization search, the approver
  // queue's pages); GET routes take no body. The console's pages check their own queries.
  app.use((req, res, next) => (QUERY_PATHS.has(req.path) || isConsolePath(req.path) ? next() : noQuery(req, res, next)));
  app.use((req, res, next) => (req.method === 'GET' ? noBody(req, res, next) : next()));
  app.use(operationsRoutes({ temporal: deps.temporal, metrics }));
  // api/main.ts does not hand over the catalog yet: the same variable config.ts reads, read here.
  const applications = deps.applications ?? applicationCatalogFrom(process.env.APPLICATIONS);
  app.use(openApiRoutes());
  app.use(
    consoleRoutes({
      ...deps,
      applications,
      publicBaseUrl: deps.publicBaseUrl ?? 'http://localhost:3000',
      sessionTtlMs: deps.sessionTtlMs ?? 30 * 60 * 1000,
    }),
  );
  app.use(registrationRoutes(deps));
  app.use(approvalRoutes({ ...deps, applications }));
  app.use(applicationRoleRoutes({ ...deps, applications }));
  app.use(accountRoutes(deps));
  app.use(organizationRoutes(deps));
  app.use(codecRoutes(deps));
  app.use(deadlineRoutes(deps));
  app.use(accountAdminRoutes(deps));
  app.use((req, _res, next) => next(new HttpProblem(404, `no route ${req.method} ${req.path}`)));
  app.use(problemHandler);
  return app;
}
