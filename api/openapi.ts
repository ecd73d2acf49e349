/**
 * The OpenAPI 3.1 document, built from the route table (api/route-table.ts) and the zod schemas
 * the routes validate with, served at `/openapi.json`; `/docs` is Swagger UI from the
 * `swagger-ui-dist` package's files (no CDN).
 */
import { createHash } from 'node:crypto';
import { dirname } from 'node:path';
import express, { Router } from 'express';
import { z } from 'zod';
import { problemSchema } from './answers';
import {
  IDEMPOTENCY_KEY_HEADER,
  IDEMPOTENCY_KEY_LIFETIME_MS,
  idempotencyKeySchema,
  IDEMPOTENT_REPLAYED_HEADER,
  STALE_PENDING_MS,
} from './idempotency';
import { ROUTES, type Audience, type RouteDoc } from './route-table';

type JsonSchema = Record<string, unknown>;

/** Refusals any route may give: a bad body or query, a body too large or unreadable, our own failure, a server we need being down. */
const EVERY_ROUTE_REFUSES = [400, 413, 415, 500, 503];

const REFUSAL_MEANING: Record<number, string> = {
  400: 'the input is not valid: `errors` names each field',
  401: 'no session, or a token that opens nothing',
  403: 'the caller may not do this',
  404: 'no such resource',
  409: 'the resource is in a state that refuses this',
  410: 'gone (the email code has expired)',
  413: 'the body is larger than 32 kB',
  415: 'the body cannot be read (charset, encoding)',
  422: 'understood but refused (a wrong code, a rule of the domain)',
  429: 'too many requests; `Retry-After` says when to try again',
  500: 'something went wrong on our side',
  503: 'the database or the workflow service is not reachable right now; `Retry-After` says when to try again',
};

const AUDIENCE_TEXT: Record<Audience, string> = {
  anyone: 'Anyone.',
  'applicant or account': 'The applicant (`Authorization: Bearer <applicantToken>`), or an account session the access policy admits.',
  account: 'An account session that has completed its first login.',
  'account (first login)': 'Any account session, also one still completing its first login.',
  operator: 'An account with the OPERATOR role.',
  'help desk or operator': 'An account with the HELP_DESK or OPERATOR role.',
};

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' });
  return rest;
}

/** `/registrations/:id` → `/registrations/{id}` */
export function openApiPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
}

function operationId(route: RouteDoc): string {
  const words = route.path.split(/[/:{}-]+/).filter(Boolean);
  return [route.method, ...words.map((w) => w[0]!.toUpperCase() + w.slice(1))].join('');
}

/** Refusals a route that takes `Idempotency-Key` may give for the key alone. */
const IDEMPOTENCY_REFUSALS = [409, 422];

const IDEMPOTENCY_TEXT = [
  `\`${IDEMPOTENCY_KEY_HEADER}\` (optional): a repeat with the same key and the same body, from the same caller on the same route, gets the first answer again (same status, body and id; header \`${IDEMPOTENT_REPLAYED_HEADER}: true\`) and starts nothing new.`,
  `The same key with another body is 422 naming the header; a repeat while the first request still runs is 409 (after ${STALE_PENDING_MS / 1000} s a request whose server stopped is taken over); a malformed key is 400.`,
  `Keys are kept ${IDEMPOTENCY_KEY_LIFETIME_MS / 3_600_000} hours. Failures on our side (5xx) and 400, 401, 429 answers are not kept: a repeat runs again.`,
].join(' ');

const idempotencyKeyParameter = (): JsonSchema => ({
  name: IDEMPOTENCY_KEY_HEADER,
  in: 'header',
  required: false,
  description: 'A key the client chooses per write (a UUID, say): see the operation.',
  schema: jsonSchema(idempotencyKeySchema, 'input'),
});

function parameters(route: RouteDoc): JsonSchema[] {
  const path = Object.entries(route.params ?? {}).map(([name, schema]) => ({
    name,
    in: 'path',
    required: true,
    schema: jsonSchema(schema, 'input'),
  }));
  const query = Object.entries(route.query?.shape ?? {}).map(([name, schema]) => ({
    name,
    in: 'query',
    required: !(schema as z.ZodType).safeParse(undefined).success,
    schema: jsonSchema(schema as z.ZodType, 'input'),
  }));
  return [...path, ...query, ...(route.idempotent ? [idempotencyKeyParameter()] : [])];
}

function responses(route: RouteDoc): Record<string, JsonSchema> {
  const out: Record<string, JsonSchema> = {};
  for (const [status, answer] of Object.entries(route.answers)) {
    const content = answer.schema
      ? { 'application/json': { schema: jsonSchema(answer.schema, 'output') } }
      : answer.mediaType
        ? { [answer.mediaType]: {} }
        : undefined;
    const described = {
      ...answer.headers,
      ...(route.idempotent && {
        [IDEMPOTENT_REPLAYED_HEADER]: '`true` when this is the stored answer of an earlier request with the same key',
      }),
    };
    const headers =
      Object.keys(described).length > 0
        ? Object.fromEntries(Object.entries(described).map(([name, description]) => [name, { description, schema: { type: 'string' } }]))
        : undefined;
    out[status] = { description: answer.description, ...(content && { content }), ...(headers && { headers }) };
  }
  const refusals = [...route.refusals, ...EVERY_ROUTE_REFUSES, ...(route.idempotent ? IDEMPOTENCY_REFUSALS : [])];
  for (const status of [...new Set(refusals)].sort()) {
    out[String(status)] = {
      description: REFUSAL_MEANING[status] ?? 'refused',
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
    };
  }
  return out;
}

function operation(route: RouteDoc): JsonSchema {
  const params = parameters(route);
  return {
    operationId: operationId(route),
    tags: [route.tag],
    summary: route.summary,
    description: [route.description, route.idempotent && IDEMPOTENCY_TEXT, `Who: ${AUDIENCE_TEXT[route.audience]}`]
      .filter(Boolean)
      .join('\n\n'),
    ...(route.audience !== 'anyone' && { security: [{ bearer: [] }] }),
    ...(params.length > 0 && { parameters: params }),
    ...(route.body && {
      requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body, 'input') } } },
    }),
    responses: responses(route),
  };
}

export function openApiDocument(routes: readonly RouteDoc[] = ROUTES): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) (paths[openApiPath(route.path)] ??= {})[route.method] = operation(route);
  return {
    openapi: '3.1.0',
    info: {
      title: 'IACS registration',
      version: '0.1.0',
      description:
        'Self-registration, approval and provisioning of IACS accounts, and application roles (Table 2). Every refusal is `application/problem+json` (RFC 9457) naming each bad field in `errors`.',
    },
    tags: [...new Set(routes.map((r) => r.tag))].map((name) => ({ name })),
    paths,
    components: {
      schemas: { Problem: jsonSchema(problemSchema, 'output') },
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'An applicant token (from `POST /registrations`) or a session token (from `POST /auth/login`).',
        },
      },
    },
  };
}

const INIT_SCRIPT = "window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true });";
const INIT_HASH = createHash('sha256').update(INIT_SCRIPT).digest('base64');
const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>IACS registration API</title>
<link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png">
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script>${INIT_SCRIPT}</script>
</body>
</html>
`;
/** The page loads only our own assets and calls only this API. */
const DOCS_POLICY = `default-src 'none'; script-src 'self' 'sha256-${INIT_HASH}'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'`;

const SWAGGER_UI_DIR = dirname(require.resolve('swagger-ui-dist/package.json'));

export function openApiRoutes(): Router {
  const router = Router();
  const document = openApiDocument();
  router.get('/openapi.json', (_req, res) => {
    res.set('cache-control', 'no-cache').json(document);
  });
  router.get('/docs', (_req, res) => {
    res.set('content-security-policy', DOCS_POLICY).type('html').send(DOCS_PAGE);
  });
  router.use(
    '/docs/assets',
    (_req, res, next) => {
      res.set('content-security-policy', DOCS_POLICY);
      next();
    },
    express.static(SWAGGER_UI_DIR, { index: false, fallthrough: false }),
  );
  return router;
}
