/**
 * Checks a real answer of the API against the OpenAPI document (api/openapi.ts): the status
 * must be documented for that operation, and the body must match the schema of its media type.
 * The e2e API client (test/support/api-client.ts) runs every answer through it.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { openApiDocument } from '../../api/openapi';

interface MediaType {
  schema?: Record<string, unknown>;
}
interface Operation {
  responses: Record<string, { content?: Record<string, MediaType> }>;
}
type Document = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Record<string, unknown>> } };

const isDocument = (value: unknown): value is Document =>
  typeof value === 'object' && value !== null && 'paths' in value && 'components' in value;

let loaded: { document: Document; matchers: { pattern: RegExp; path: string }[] } | undefined;
const validators = new Map<string, ValidateFunction>();
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);

function load() {
  if (loaded) return loaded;
  const document = openApiDocument();
  if (!isDocument(document)) throw new Error('the OpenAPI document has no paths');
  ajv.addSchema(document.components.schemas.Problem!, '#/components/schemas/Problem');
  const matchers = Object.keys(document.paths).map((path) => ({
    path,
    pattern: new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '[^/]+')}$`),
  }));
  loaded = { document, matchers };
  return loaded;
}

function validatorFor(key: string, schema: Record<string, unknown>): ValidateFunction {
  let validate = validators.get(key);
  if (!validate) {
    validate = schema.$ref === '#/components/schemas/Problem' ? ajv.getSchema('#/components/schemas/Problem')! : ajv.compile(schema);
    validators.set(key, validate);
  }
  return validate;
}

/** `METHOD /documented/{path}` of every documented operation an answer was checked for, in this process. */
export const answeredOperations = new Set<string>();

/** Why an answer does not match the document, or undefined when it does. */
export function answerMismatch(method: string, url: string, status: number, contentType: string, body: unknown): string | undefined {
  const { document, matchers } = load();
  const path = url.split('?')[0]!;
  const documented = matchers.find((m) => m.pattern.test(path));
  const operation = documented && document.paths[documented.path]![method.toLowerCase()];
  const what = `${method} ${path} → ${status}`;
  if (operation) answeredOperations.add(`${method.toUpperCase()} ${documented.path}`);
  // Not a documented operation: the API answers 404 problem+json for anything it does not know.
  const responses = operation?.responses ?? {
    404: { content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } },
  };
  const response = responses[String(status)];
  if (!response) return `${what}: status not documented (documented: ${Object.keys(responses).join(', ')})`;
  if (!response.content) return body === undefined || body === '' ? undefined : `${what}: documented without a body, answered one`;
  const mediaType = contentType.split(';')[0]!.trim();
  const media = response.content[mediaType];
  if (!media) return `${what}: media type ${mediaType} not documented (documented: ${Object.keys(response.content).join(', ')})`;
  if (!media.schema) return undefined;
  const validate = validatorFor(`${documented?.path ?? '(none)'} ${method} ${status} ${mediaType}`, media.schema);
  if (validate(body)) return undefined;
  return `${what}: body does not match the document: ${ajv.errorsText(validate.errors)} in ${JSON.stringify(body).slice(0, 500)}`;
}

export function assertMatchesDocument(method: string, url: string, status: number, contentType: string, body: unknown): void {
  const mismatch = answerMismatch(method, url, status, contentType, body);
  if (mismatch) throw new Error(`answer not as documented in /openapi.json: ${mismatch}`);
}
