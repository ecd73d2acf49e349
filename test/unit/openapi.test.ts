import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../api/openapi';
import { ROUTES } from '../../api/route-table';
import { appWithoutServers, routesOf, routesWithStep } from '../support/app-routes';
import { answerMismatch } from '../support/openapi-check';

describe('the OpenAPI document', () => {
  const document = openApiDocument();

  it('is valid OpenAPI 3.1', async () => {
    const validator = new Validator();
    const result = await validator.validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('documents exactly the routes the app answers (a route added without a line in api/route-table.ts fails here)', () => {
    const documented = ROUTES.map((r) => `${r.method.toUpperCase()} ${r.path}`).sort();
    expect(new Set(documented).size).toBe(documented.length);
    expect(routesOf(appWithoutServers())).toEqual(documented);
  });

  it('documents Idempotency-Key on exactly the routes that run its middleware', () => {
    const documented = ROUTES.filter((r) => r.idempotent).map((r) => `${r.method.toUpperCase()} ${r.path}`);
    expect(documented).toHaveLength(5);
    expect(routesWithStep(appWithoutServers(), 'idempotencyKey')).toEqual(documented.sort());
    const decide = (document.paths as Record<string, Record<string, { parameters?: { name: string; in: string }[] }>>)[
      '/registrations/{id}/decision'
    ]!.post!;
    expect(decide.parameters).toContainEqual(expect.objectContaining({ name: 'Idempotency-Key', in: 'header' }));
  });

  it('gives every operation a problem+json answer for bad input and for our own failure', () => {
    const paths = Object.values(document.paths as Record<string, Record<string, { responses: Record<string, { content?: object }> }>>);
    for (const operation of paths.flatMap((p) => Object.values(p))) {
      for (const status of ['400', '500']) expect(operation.responses[status]?.content).toHaveProperty(['application/problem+json']);
    }
  });

  it('describes request bodies with the schemas the routes validate with', () => {
    const post = (document.paths as Record<string, Record<string, unknown>>)['/registrations']!.post;
    expect(post).toMatchObject({
      requestBody: {
        content: {
          'application/json': {
            schema: { required: ['community', 'role', 'acceptedTerms', 'identity', 'email'], additionalProperties: false },
          },
        },
      },
    });
  });
});

describe('the answer checker the e2e client runs every answer through', () => {
  it('accepts an answer as documented and names what is not', () => {
    const view = { id: '7f1c0ad5-7a49-4a4f-9a8f-55b0b0e4a001', role: 'END_USER', status: 'AWAITING_DETAILS', history: [] };
    expect(answerMismatch('GET', '/registrations/7f1c0ad5-7a49-4a4f-9a8f-55b0b0e4a001', 200, 'application/json', view)).toBeUndefined();
    expect(answerMismatch('GET', '/registrations/x', 200, 'application/json', { ...view, status: 'NAPPING' })).toMatch(/status/);
    expect(answerMismatch('GET', '/registrations/x', 200, 'application/json', { ...view, ssn: '900-12-0001' })).toMatch(/additional/);
    expect(answerMismatch('GET', '/registrations/x', 418, 'application/json', view)).toMatch(/status not documented/);
    expect(answerMismatch('GET', '/registrations/x', 404, 'application/json', {})).toMatch(/media type/);
    const problem = { type: 'about:blank', title: 'Not Found', status: 404, detail: 'no such registration', errors: [] };
    expect(answerMismatch('GET', '/registrations/x', 404, 'application/problem+json; charset=utf-8', problem)).toBeUndefined();
    expect(answerMismatch('POST', '/nowhere', 404, 'application/problem+json', problem)).toBeUndefined();
    expect(answerMismatch('POST', '/auth/logout', 204, '', undefined)).toBeUndefined();
  });
});
