import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';

let installed = false;

/** The SDK logs every worker state change at INFO; entry points keep it to TEMPORAL_LOG_LEVEL (WARN). */
export function installTemporalRuntime(): void {
  if (installed) return;
  installed = true;
  Runtime.install({ logger: new DefaultLogger((process.env.TEMPORAL_LOG_LEVEL as LogLevel | undefined) ?? 'WARN') });
}
