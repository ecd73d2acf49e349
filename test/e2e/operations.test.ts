/**
 * What operators and integrators get, on real servers: the OpenAPI document (valid 3.1, every
 * documented route answered once here and each answer checked against it by the API client),
 * the /docs page in a real browser, /healthz, /readyz (503 while the database is stopped),
 * /metrics, request and workflow ids in the logs, and SIGTERM stopping the API and the worker.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ROUTES } from '../../api/route-table';
import { openApiPath } from '../../api/openapi';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../../domain/search-attributes';
import { startFerretDb, type RunningFerretDb } from '../../infra/ferretdb';
import type { LocalStack } from '../../local-stack';
import { freePort } from '../../infra/ports';
import { connectTemporalClient } from '../../infra/temporal-connection';
import { ApiClient, Journey, type Started } from '../support/api-client';
import { launchBrowser, screenshot } from '../support/browser';
import { answeredOperations } from '../support/openapi-check';
import { startTestStack } from '../support/stack';
import { testWorkflowBundle } from '../support/workflow-bundle';

let stack: LocalStack;
let ferret: RunningFerretDb;
let ferretPort: number;
let dataDir: string;
let api: ApiClient;
let journey: Journey;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'iacs-operations-'));
  ferretPort = await freePort();
  ferret = await startFerretDb({ port: ferretPort, dataDir: join(dataDir, 'db'), logDir: dataDir });
  stack = await startTestStack({ MONGODB_URI: `${ferret.uri.replace(/\/$/, '')}/iacs` });
  api = new ApiClient(stack.apiUrl);
  journey = new Journey(api, stack.mailCatcherUrl!);
});

afterAll(async () => {
  await stack?.stop();
  await ferret?.stop();
});

describe('the OpenAPI document and its page', () => {
  it('/openapi.json is valid OpenAPI 3.1 and documents every route of the route table', async () => {
    const answer = await api.call('GET', '/openapi.json');
    expect(answer.status).toBe(200);
    const validator = new Validator();
    const result = await validator.validate(answer.body);
    expect(result.errors ?? []).toEqual([]);
    expect(validator.version).toBe('3.1');
    const paths = answer.body.paths as Record<string, Record<string, unknown>>;
    for (const route of ROUTES) expect(paths[openApiPath(route.path)]).toHaveProperty(route.method);
  });

  it('/docs shows every operation in a real browser, from local assets only', async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const foreign: string[] = [];
      page.on('request', (request) => {
        if (!request.url().startsWith(stack.apiUrl)) foreign.push(request.url());
      });
      const failures: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') failures.push(message.text());
      });
      await page.goto(`${stack.apiUrl}/docs`);
      await page.locator('.opblock').first().waitFor({ timeout: 20_000 });
      expect(await page.locator('.opblock').count()).toBe(ROUTES.length);
      expect(await page.locator('.title').first().textContent()).toContain('IACS registration');
      await screenshot(page, 'api-docs');
      expect(foreign).toEqual([]);
      expect(failures).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});

describe('every documented route, answered once and checked against the document', () => {
  let applicant: Started;
  let helpDesk: string;
  let operator: string;
  let account: { userId: string; token: string };

  it('the applicant routes', async () => {
    applicant = await journey.register('INDIVIDUAL_PRACTITIONER', 'ops-ip@example.test');
    expect((await api.call('GET', `/registrations/${applicant.id}`, { token: applicant.token })).status).toBe(200);
    await journey.waitForStatus(applicant, 'AWAITING_EMAIL_VERIFICATION');
    const resend = await api.call('POST', `/registrations/${applicant.id}/email-verification/resend`, { token: applicant.token });
    expect(resend.status).toBe(202);
    const wrong = await api.call('POST', `/registrations/${applicant.id}/email-verification`, {
      token: applicant.token,
      body: { code: '000000' },
    });
    expect([200, 422]).toContain(wrong.status);
    const code = await journey.emailedCode(applicant, 2);
    const verified = await api.call('POST', `/registrations/${applicant.id}/email-verification`, {
      token: applicant.token,
      body: { code },
    });
    expect(verified.status).toBe(200);
    await journey.submitWith(applicant, {});
    const details = await api.call<{ justification: string }>('GET', `/registrations/${applicant.id}/details`, { token: applicant.token });
    expect(details.status).toBe(200);
    expect(details.body.justification).toContain('Medicare');
    const other = await journey.register('INDIVIDUAL_PRACTITIONER', 'ops-cancel@example.test');
    expect((await api.call('POST', `/registrations/${other.id}/cancel`, { token: other.token })).status).toBe(200);
  });

  it('the approver, account and application-role routes', async () => {
    helpDesk = (await journey.login(stack.config.helpDesk.userId, stack.config.helpDesk.password)).body.token;
    const queue = await api.call<{ id: string }[]>('GET', '/approvals?limit=10', { token: helpDesk });
    expect(queue.status).toBe(200);
    expect(queue.body.map((item) => item.id)).toContain(applicant.id);
    account = await journey.approveAndLogIn(applicant, helpDesk, 'Operations-Journey-1x');
    expect((await api.call('GET', '/auth/questions', { token: account.token })).status).toBe(200);
    expect((await api.call('GET', '/me', { token: account.token })).status).toBe(200);
    expect((await api.call('GET', '/applications', { token: account.token })).status).toBe(200);
    expect((await api.call('GET', '/me/application-roles', { token: account.token })).status).toBe(200);
    expect((await api.call('GET', '/organizations?name=a&country=US&state=MD')).status).toBe(200);
    // An Individual Practitioner belongs to no user group: refused, as documented.
    const ask = await api.call('POST', '/me/application-roles', {
      token: account.token,
      body: { applicationId: 'PECOS', role: 'APPLICATION_USER', userGroupId: 'a'.repeat(24) },
    });
    expect(ask.status).toBe(403);
    const unknown = randomUUID();
    expect((await api.call('GET', `/application-role-requests/${unknown}`, { token: account.token })).status).toBe(404);
    const decision = await api.call('POST', `/application-role-requests/${unknown}/decision`, {
      token: account.token,
      body: { decision: 'APPROVE' },
    });
    expect(decision.status).toBe(404);
    expect((await api.call('POST', `/application-role-requests/${unknown}/cancel`, { token: account.token })).status).toBe(404);
    const roleRequest = await api.call('POST', '/me/role-requests', {
      token: account.token,
      body: { community: 'PROVIDER_SUPPLIER', role: 'INDIVIDUAL_PRACTITIONER', acceptedTerms: { role: true } },
    });
    expect(roleRequest.status).toBe(202);
  });

  it('the operator routes', async () => {
    operator = (await journey.login(stack.config.operator.userId, stack.config.operator.password)).body.token;
    const encoded = await api.call<{ payloads: unknown[] }>('POST', '/codec/encode', {
      token: operator,
      body: {
        payloads: [{ metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from('"x"').toString('base64') }],
      },
    });
    expect(encoded.status).toBe(200);
    expect((await api.call('POST', '/codec/decode', { token: operator, body: encoded.body })).status).toBe(200);
    const policy = await api.call<{ policy: unknown }>('GET', '/admin/deadline-policy', { token: operator });
    expect(policy.status).toBe(200);
    expect((await api.call('PUT', '/admin/deadline-policy', { token: operator, body: policy.body.policy })).status).toBe(200);
    expect((await api.call('POST', `/accounts/${account.userId}/deactivate`, { token: helpDesk })).status).toBe(200);
    expect((await api.call('POST', '/auth/logout', { token: operator })).status).toBe(204);
  });

  it('the operations routes', async () => {
    expect((await api.call('GET', '/healthz')).body).toEqual({ ok: true });
    expect((await api.call('GET', '/health')).status).toBe(200);
    expect((await api.call('GET', '/readyz')).body).toEqual({ ok: true, checks: { mongodb: 'up', temporal: 'up' } });
    expect((await api.call('GET', '/docs')).status).toBe(200);
    expect((await api.call('GET', '/metrics')).status).toBe(200);
  });

  it('left no documented route unanswered', () => {
    const documented = ROUTES.map((r) => `${r.method.toUpperCase()} ${openApiPath(r.path)}`).sort();
    expect([...answeredOperations].sort()).toEqual(documented);
  });
});

describe('observability', () => {
  it('/metrics: HTTP latency by route and status, registrations by status and role, the queue, the SDK worker metrics', async () => {
    const text = String((await api.call('GET', '/metrics')).body);
    expect(text).toMatch(/http_request_duration_seconds_bucket\{[^}]*route="\/registrations\/:id"[^}]*status="200"/);
    expect(text).toMatch(/http_request_duration_seconds_count\{[^}]*route="\/me\/application-roles"[^}]*status="403"/);
    expect(text).toMatch(/iacs_registrations\{status="PROVISIONED",role="INDIVIDUAL_PRACTITIONER"\} 1/);
    expect(text).toMatch(/iacs_registrations\{status="CANCELLED",role="INDIVIDUAL_PRACTITIONER"\} 1/);
    expect(text).toMatch(/^iacs_approval_queue_depth \d+$/m);
    expect(text).toMatch(/^temporal_\w+/m);
    expect(text).not.toMatch(/900-12-|@example\.test/);
  });

  it('the local stack registered the custom search attributes', async () => {
    const client = await connectTemporalClient({ ...stack.config.temporal, payloadKeys: stack.config.payloadKeys });
    try {
      const { customAttributes } = await client.connection.operatorService.listSearchAttributes({
        namespace: stack.config.temporal.namespace,
      });
      for (const key of CUSTOM_SEARCH_ATTRIBUTES) expect(customAttributes).toHaveProperty(key.name);
    } finally {
      await client.connection.close();
    }
  });

  it('logs one JSON line per request with its request id and the workflow id, and echoes the id', async () => {
    const lines: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    vi.stubEnv('LOG_LEVEL', 'info');
    try {
      const response = await fetch(`${stack.apiUrl}/registrations/${randomUUID()}`, { headers: { 'x-request-id': 'ops-test-42' } });
      expect(response.headers.get('x-request-id')).toBe('ops-test-42');
      await response.text();
      const started = await api.call<{ id: string }>('POST', '/registrations', {
        body: {
          community: 'PROVIDER_SUPPLIER',
          role: 'INDIVIDUAL_PRACTITIONER',
          acceptedTerms: { privacyAct: true, role: true },
          identity: { firstName: 'Jordan', lastName: 'Specimen', dateOfBirth: '2000-01-01', ssn: '900-12-0010' },
          email: 'ops-log@example.test',
        },
      });
      expect(started.status).toBe(202);
      await vi.waitFor(() => expect(lines.join('')).toContain(`registration-${started.body.id}`));
    } finally {
      vi.unstubAllEnvs();
      spy.mockRestore();
    }
    const entries = lines.flatMap((l) => l.split('\n').filter(Boolean)).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(entries.find((e) => e.requestId === 'ops-test-42')).toMatchObject({ msg: 'request', status: 401, method: 'GET' });
    const start = entries.find((e) => e.msg === 'request' && e.route === '/registrations' && e.status === 202);
    expect(start).toMatchObject({ method: 'POST', workflowId: expect.stringMatching(/^registration-/) });
    expect(start?.requestId).toEqual(expect.any(String));
    expect(lines.join('')).not.toContain('900-12-0010');
  });

  it('/readyz answers 503 problem+json while the database is stopped, and 200 once it is back', async () => {
    await ferret.stop();
    const down = await api.call<{ status: number; checks: Record<string, string> }>('GET', '/readyz');
    expect(down.status).toBe(503);
    expect(down.contentType).toContain('application/problem+json');
    expect(down.body.checks).toEqual({ mongodb: 'down', temporal: 'up' });
    expect((await api.call('GET', '/healthz')).status).toBe(200);
    ferret = await startFerretDb({ port: ferretPort, dataDir: join(dataDir, 'db'), logDir: dataDir });
    await vi.waitFor(async () => expect((await api.call('GET', '/readyz')).status).toBe(200), { timeout: 30_000, interval: 500 });
  });
});

describe('graceful shutdown on SIGTERM', () => {
  const run = (entry: string, env: Record<string, string>) =>
    spawn(join('node_modules', '.bin', 'tsx'), [entry], {
      env: {
        ...process.env,
        LOG_LEVEL: 'info',
        TEMPORAL_ADDRESS: stack.config.temporal.address,
        MONGODB_URI: stack.config.mongodbUri,
        WORKFLOW_BUNDLE_PATH: testWorkflowBundle().codePath,
        ...env,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });

  async function stopsOnSigterm(entry: string, env: Record<string, string>, ready: string, stopped: string): Promise<void> {
    const child = run(entry, env);
    let log = '';
    child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await vi.waitFor(() => expect(log).toContain(ready), { timeout: 30_000, interval: 100 });
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(log).toContain(stopped);
  }

  it('the API stops taking requests, finishes, lets go of Temporal and MongoDB, and exits 0', async () => {
    const port = await freePort();
    await stopsOnSigterm('api/main.ts', { API_PORT: String(port) }, '"msg":"api listening"', '"msg":"api stopped"');
  });

  it("the stack's worker loads the run's one workflow bundle instead of bundling again", () => {
    expect(stack.config.worker.workflowBundlePath).toBe(testWorkflowBundle().codePath);
  });

  it('the worker drains and exits 0', async () => {
    await stopsOnSigterm(
      'worker.ts',
      { TEMPORAL_TASK_QUEUE: `shutdown-${randomUUID()}` },
      '"msg":"worker started"',
      '"msg":"worker stopped"',
    );
  });
});
