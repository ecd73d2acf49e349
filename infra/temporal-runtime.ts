import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import { log } from './logger';

let installed: { metricsUrl?: string } | undefined;

const LEVELS: Record<LogLevel, 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'debug',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

const isLogLevel = (value: string | undefined): value is LogLevel => value !== undefined && Object.hasOwn(LEVELS, value);

interface TemporalRuntimeOptions {
  /** `host:port` where the SDK serves its own Prometheus metrics (worker task slots, polls, latencies). */
  metricsBindAddress?: string;
}

/**
 * Installs the SDK's runtime once per process: its logs go into our JSON stream (with their
 * workflow and activity ids, through the same redaction), kept to TEMPORAL_LOG_LEVEL (WARN: the
 * SDK logs every worker state change at INFO); its metrics are served for Prometheus when asked.
 */
export function installTemporalRuntime(options: TemporalRuntimeOptions = {}): void {
  if (installed) return;
  const bindAddress = options.metricsBindAddress ?? process.env.TEMPORAL_METRICS_BIND_ADDRESS;
  installed = { metricsUrl: bindAddress ? `http://${bindAddress}/metrics` : undefined };
  const level = process.env.TEMPORAL_LOG_LEVEL;
  Runtime.install({
    logger: new DefaultLogger(isLogLevel(level) ? level : 'WARN', (entry) =>
      log[LEVELS[entry.level]](entry.message, { ...entry.meta, source: 'temporal-sdk' }),
    ),
    ...(bindAddress && { telemetryOptions: { metrics: { prometheus: { bindAddress } } } }),
  });
}

/** Where this process's SDK metrics are served, when the runtime was installed with them. */
export function temporalMetricsUrl(): string | undefined {
  return installed?.metricsUrl;
}
