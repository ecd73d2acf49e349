/** The servers one bench run starts on free ports in its temp dir, and stops whatever happened. */
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DEFAULT_RATE_RULES } from '../domain/abuse-limits';
import { startFerretDb, type RunningFerretDb } from '../infra/ferretdb';
import { startLocalStack, type LocalStack } from '../local-stack';
import { ownServersEnv } from '../test/support/own-servers';

export class BenchServers {
  private ferret: RunningFerretDb | undefined;
  private stack: LocalStack | undefined;
  private historyConnection: Connection | undefined;

  /** FerretDB, then the whole local stack on it, as `make start` runs it (Temporal keeps its SQLite file). */
  async start(dataDir: string): Promise<LocalStack> {
    // FerretDB is started here so that its connection string carries monitorCommands=true.
    this.ferret = await startFerretDb({ dataDir: join(dataDir, 'ferretdb'), logDir: join(dataDir, 'logs') });
    // Every abuse limit out of reach: the bench is one client making thousands of requests.
    const rateLimits = Object.fromEntries(
      Object.keys(DEFAULT_RATE_RULES).map((name) => [name, { limit: 1_000_000_000, windowMs: 60_000 }]),
    );
    this.stack = await startLocalStack({
      dataDir,
      persistTemporal: true,
      env: ownServersEnv({
        LOG_LEVEL: 'warn',
        RATE_LIMITS: JSON.stringify(rateLimits),
        MONGODB_URI: `${this.ferret.uri.replace(/\/$/, '')}/iacs?monitorCommands=true`,
      }),
    });
    return this.stack;
  }

  /** A Temporal client of the bench's own, for reading workflow histories. */
  async temporalClient({ temporal }: LocalStack['config']): Promise<Client> {
    this.historyConnection = await Connection.connect({ address: temporal.address });
    return new Client({ connection: this.historyConnection, namespace: temporal.namespace });
  }

  /** Stops what was started, in reverse order; a failure to stop is reported, not thrown. */
  async stop(): Promise<void> {
    await this.historyConnection?.close().catch(() => undefined);
    await this.stack?.stop().catch((err: unknown) => console.error(`stopping the stack: ${String(err)}`));
    await this.ferret?.stop().catch((err: unknown) => console.error(`stopping FerretDB: ${String(err)}`));
  }
}
