/** The routes an express app really answers, read from its router (for the route-table test). */
import type { Express } from 'express';
import type { ILayer } from 'express-serve-static-core';
import { Client } from '@temporalio/client';
import { createAccountService } from '../../accounts/account-service';
import { createApp } from '../../api/app';
import { loadConfig } from '../../config';
import { EncryptionCodec, parseCodecKeys } from '../../security/payload-codec';
import { keysFromBase64 } from '../../security/secrets';

const hasStack = (handle: unknown): handle is { stack: ILayer[] } =>
  typeof handle === 'function' && 'stack' in handle && Array.isArray(handle.stack);

/** Adds `METHOD /path` of each route one of whose steps `step` admits. */
function collect(stack: readonly ILayer[], into: Set<string>, step: (name: string) => boolean = () => true): void {
  for (const layer of stack) {
    if (layer.route) {
      for (const { method, name } of layer.route.stack) if (step(name)) into.add(`${method.toUpperCase()} ${layer.route.path}`);
    } else if (hasStack(layer.handle)) collect(layer.handle.stack, into, step);
  }
}

/** `METHOD /path` of every route that runs a step of this function name (e.g. the Idempotency-Key middleware). */
export function routesWithStep(app: Express, name: string): string[] {
  const found = new Set<string>();
  collect(app.router.stack, found, (stepName) => stepName === name);
  return [...found].sort();
}

/** `METHOD /path` of every route of the app (routers mounted at the root, as api/app.ts mounts them). */
export function routesOf(app: Express): string[] {
  const found = new Set<string>();
  collect(app.router.stack, found);
  // The console's HTML pages are not part of the JSON API the document describes (test/e2e/console.test.ts covers them).
  return [...found].filter((route) => !route.split(' ')[1]!.startsWith('/console')).sort();
}

/** The API's app built from the development configuration; nothing is connected (the Temporal client is lazy). */
export function appWithoutServers(): Express {
  const config = loadConfig({});
  const keys = keysFromBase64(config.hashKey, config.fieldKey);
  return createApp({
    temporal: new Client(),
    taskQueue: config.temporal.taskQueue,
    accounts: createAccountService({ sessionTtlMs: config.sessionTtlMs, keys }),
    policy: config.policy,
    rateRules: config.rateRules,
    codec: new EncryptionCodec(parseCodecKeys(config.payloadKeys)),
    uiOrigins: config.temporalUiOrigins,
    keys,
    approvalDeadlines: config.approvalDeadlines,
    applications: config.applications,
  });
}
