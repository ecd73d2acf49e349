/**
 * The environment for a stack of our own servers. Kept apart from stack.ts, which imports vitest
 * (through workflow-bundle.ts): the bench and scripts/record-histories.ts run outside vitest.
 */

/** Addresses the developer's shell may have set are dropped. */
export function ownServersEnv(env: Record<string, string> = {}): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['TEMPORAL_ADDRESS', 'MONGODB_URI', 'SMTP_HOST', 'SMTP_PORT', 'SSA_ENDPOINT', 'API_PORT', 'EMAIL_CODE_TTL_MS'])
    delete base[name];
  return { ...base, LOG_LEVEL: 'warn', ...env };
}
