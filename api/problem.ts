/** RFC 9457 problem+json answers; every refusal the API gives goes through here. */
import type { ErrorRequestHandler, Response } from 'express';
import { z } from 'zod';
import { fieldErrors, type FieldError } from '../domain/schemas';
import { log } from '../infra/logger';
import { unavailableServer } from '../infra/unavailable';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  410: 'Gone',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  422: 'Unprocessable Content',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly errors: FieldError[] = [],
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail);
  }
}

function sendProblem(res: Response, problem: HttpProblem): void {
  res
    .status(problem.status)
    .type('application/problem+json')
    .json({
      type: 'about:blank',
      title: TITLES[problem.status] ?? 'Error',
      status: problem.status,
      detail: problem.detail,
      errors: problem.errors,
      ...problem.extra,
    });
}

/** Parses input with a schema, or answers 400 naming every bad field. */
export function parse<S extends z.ZodType>(schema: S, value: unknown, where: string, prefix = ''): z.infer<S> {
  const result = schema.safeParse(value ?? {});
  if (!result.success) throw new HttpProblem(400, `the ${where} is not valid`, fieldErrors(result.error, prefix));
  return result.data;
}

/** What express's body parser puts on the errors it throws (http-errors). */
const bodyParserErrorSchema = z.object({
  status: z.number().optional(),
  type: z.string().optional(),
  expose: z.boolean().optional(),
  message: z.string().optional(),
});

export const problemHandler: ErrorRequestHandler = (err: unknown, _req, res, _next) => {
  if (err instanceof HttpProblem) return sendProblem(res, err);
  const parsed = bodyParserErrorSchema.safeParse(err);
  const { status, type, expose, message } = parsed.success ? parsed.data : {};
  if (status === 413) return sendProblem(res, new HttpProblem(413, 'the body is too large'));
  if (status === 400 && type === 'entity.parse.failed')
    return sendProblem(res, new HttpProblem(400, 'the body is not valid JSON', [{ path: '(body)', message: 'must be JSON' }]));
  // The body parser's other refusals (charset, encoding, a broken compressed body) are the client's.
  if (expose === true && status !== undefined && status >= 400 && status < 500)
    return sendProblem(
      res,
      new HttpProblem(status, message ?? 'the request cannot be read', [{ path: '(body)', message: message ?? 'cannot be read' }]),
    );
  const down = unavailableServer(err);
  if (down) {
    log.info('request refused: a server is unavailable', { server: down, error: err instanceof Error ? err.message : String(err) });
    res.set('retry-after', '5');
    return sendProblem(
      res,
      new HttpProblem(503, `the ${down === 'database' ? 'database' : 'workflow service'} is unavailable right now; try again shortly`),
    );
  }
  log.error('request failed', { error: err instanceof Error ? err.message : String(err) });
  sendProblem(res, new HttpProblem(500, 'something went wrong on our side'));
};
