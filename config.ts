/**
 * Configuration from the environment, validated once. Defaults suit a developer machine;
 * secrets have development defaults only outside production.
 */
import { z } from 'zod';
import { rateRulesFrom } from './domain/abuse-limits';
import { DEFAULT_DEADLINE_POLICY, deadlinePolicySchema } from './domain/approval-deadlines';
import { DEFAULT_BUSINESS_CALENDAR, businessCalendarSchema } from './domain/business-days';
import { applicationCatalogFrom } from './domain/application-roles';
import { DEFAULT_POLICY } from './domain/registration-policy';

const DEV_PAYLOAD_KEYS = 'dev-1:ZGV2LW9ubHktcGF5bG9hZC1rZXktZG8tbm90LXVzZSE=';
const DEV_HASH_KEY = 'ZGV2LW9ubHktaGFzaC1rZXktZm9yLWxvY2FsLXJ1bnMtb25seSE=';
const DEV_FIELD_KEY = 'ZGV2LW9ubHktZmllbGQta2V5LWRvLW5vdC11c2UtaXQ=';

const envSchema = z.object({
  NODE_ENV: z.string().default('development'),
  TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default('registrations'),
  /** TLS to the Temporal frontend: `true` for server TLS with the system's roots; files for a private CA and mTLS. */
  TEMPORAL_TLS: z.enum(['true', 'false']).default('false'),
  TEMPORAL_TLS_CA_FILE: z.string().optional(),
  TEMPORAL_TLS_CERT_FILE: z.string().optional(),
  TEMPORAL_TLS_KEY_FILE: z.string().optional(),
  TEMPORAL_TLS_SERVER_NAME: z.string().optional(),
  /** Workflows the worker keeps in memory between their tasks; others are replayed from history when an event comes. */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).default(50),
  /** A workflow bundle built beforehand with bundleWorkflowCode (a file); without it the worker bundles workflows/ when it starts. */
  WORKFLOW_BUNDLE_PATH: z.string().min(1).optional(),
  MONGODB_URI: z.string().default('mongodb://127.0.0.1:27017/iacs'),
  SMTP_HOST: z.string().default('127.0.0.1'),
  SMTP_PORT: z.coerce.number().int().default(1025),
  MAIL_FROM: z.string().default('IACS Registration <no-reply@iacs.example.test>'),
  SSA_ENDPOINT: z.string().url().default('http://127.0.0.1:7070/v1/identity-validations'),
  API_PORT: z.coerce.number().int().default(3000),
  API_HOST: z.string().default('127.0.0.1'),
  /** Where people reach the API and its console (/console), for links in emails; default http://localhost:<API_PORT>. */
  PUBLIC_BASE_URL: z.url().optional(),
  PAYLOAD_KEYS: z.string().optional(),
  HASH_KEY: z.string().optional(),
  FIELD_KEY: z.string().optional(),
  HELP_DESK_USER_ID: z.string().min(4).default('EUSHELPDESK'),
  HELP_DESK_PASSWORD: z.string().min(15).default('HelpDesk-Dev-Passw0rd'),
  HELP_DESK_EMAIL: z.email().default('eus-help-desk@iacs.example.test'),
  EMAIL_CODE_TTL_MS: z.coerce.number().int().positive().default(DEFAULT_POLICY.emailCodeTtlMs),
  SESSION_TTL_MS: z.coerce
    .number()
    .int()
    .positive()
    .default(30 * 60 * 1000),
  RATE_LIMITS: z.string().optional(),
  TEMPORAL_UI_ORIGINS: z.string().default('http://127.0.0.1:8233,http://localhost:8233,http://localhost:8080'),
  /** Where operators open the Temporal Web UI, for the console's operator page (no link when unset). */
  TEMPORAL_UI_URL: z.url().optional(),
  OPERATOR_USER_ID: z.string().min(4).default('IACSOPERATOR'),
  OPERATOR_PASSWORD: z.string().min(15).default('Operator-Dev-Passw0rd'),
  /** Approval deadlines in business days, JSON (domain/approval-deadlines.ts); the calendar they count in. */
  DEADLINE_POLICY: z.string().optional(),
  BUSINESS_CALENDAR: z.string().optional(),
  /** The CMS application catalog: a JSON array of { id, name } (domain/application-roles.ts). */
  APPLICATIONS: z.string().optional(),
});

export type Config = ReturnType<typeof loadConfig>;

/** Where the TLS material for Temporal is (files are read when connecting); undefined for plain gRPC. */
export interface TemporalTlsFiles {
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  serverName?: string;
}

function temporalTlsFrom(e: z.infer<typeof envSchema>): TemporalTlsFiles | undefined {
  const files = { caFile: e.TEMPORAL_TLS_CA_FILE, certFile: e.TEMPORAL_TLS_CERT_FILE, keyFile: e.TEMPORAL_TLS_KEY_FILE };
  if (e.TEMPORAL_TLS !== 'true' && Object.values(files).every((f) => f === undefined)) return undefined;
  if ((files.certFile === undefined) !== (files.keyFile === undefined))
    throw new Error('TEMPORAL_TLS_CERT_FILE and TEMPORAL_TLS_KEY_FILE go together (mTLS)');
  return { ...files, serverName: e.TEMPORAL_TLS_SERVER_NAME };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  const e = envSchema.parse(env);
  const production = e.NODE_ENV === 'production';
  const secret = (name: string, value: string | undefined, dev: string) => {
    if (value) return value;
    if (production) throw new Error(`${name} must be set in production`);
    return dev;
  };
  return {
    production,
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      tls: temporalTlsFrom(e),
    },
    worker: { maxCachedWorkflows: e.WORKER_MAX_CACHED_WORKFLOWS, workflowBundlePath: e.WORKFLOW_BUNDLE_PATH },
    mongodbUri: e.MONGODB_URI,
    smtp: { host: e.SMTP_HOST, port: e.SMTP_PORT, from: e.MAIL_FROM },
    ssaEndpoint: e.SSA_ENDPOINT,
    api: { port: e.API_PORT, host: e.API_HOST },
    publicBaseUrl: (e.PUBLIC_BASE_URL ?? `http://localhost:${e.API_PORT}`).replace(/\/+$/, ''),
    payloadKeys: secret('PAYLOAD_KEYS', e.PAYLOAD_KEYS, DEV_PAYLOAD_KEYS),
    hashKey: secret('HASH_KEY', e.HASH_KEY, DEV_HASH_KEY),
    fieldKey: secret('FIELD_KEY', e.FIELD_KEY, DEV_FIELD_KEY),
    helpDesk: {
      userId: e.HELP_DESK_USER_ID,
      password: secret('HELP_DESK_PASSWORD', env.HELP_DESK_PASSWORD, e.HELP_DESK_PASSWORD),
      email: e.HELP_DESK_EMAIL,
    },
    policy: { ...DEFAULT_POLICY, emailCodeTtlMs: e.EMAIL_CODE_TTL_MS },
    sessionTtlMs: e.SESSION_TTL_MS,
    rateRules: rateRulesFrom(e.RATE_LIMITS),
    temporalUiOrigins: e.TEMPORAL_UI_ORIGINS.split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    temporalUiUrl: e.TEMPORAL_UI_URL?.replace(/\/+$/, ''),
    operator: { userId: e.OPERATOR_USER_ID, password: secret('OPERATOR_PASSWORD', env.OPERATOR_PASSWORD, e.OPERATOR_PASSWORD) },
    approvalDeadlines: {
      policy: e.DEADLINE_POLICY ? deadlinePolicySchema.parse(JSON.parse(e.DEADLINE_POLICY)) : DEFAULT_DEADLINE_POLICY,
      calendar: e.BUSINESS_CALENDAR ? businessCalendarSchema.parse(JSON.parse(e.BUSINESS_CALENDAR)) : DEFAULT_BUSINESS_CALENDAR,
    },
    applications: applicationCatalogFrom(e.APPLICATIONS),
  };
}
