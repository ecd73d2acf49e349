/**
 * Counts the MongoDB commands the service sends, from the driver's command monitoring. Mongoose
 * is one instance per process and the stack runs in this process, so its client is the
 * service's; the connection string must carry `monitorCommands=true` (the driver only emits
 * command events for connections made with it).
 */
import mongoose from 'mongoose';

export interface DbCounts {
  /** Commands by "collection.command" (or "database.command" when the command names no collection). */
  by: Record<string, number>;
  total: number;
  /** Sum of the driver's round-trip durations, milliseconds. */
  totalMs: number;
}

/** The collection a command is about: the value of its first key when a string (find, insert, update, …), getMore's `collection`. */
function collectionOf(command: Record<string, unknown>, commandName: string, databaseName: string): string {
  const target = command[commandName];
  if (typeof target === 'string') return target;
  if (typeof command.collection === 'string') return command.collection;
  return databaseName;
}

export class DbMonitor {
  private counts: Record<string, number> = {};
  private total = 0;
  private totalMs = 0;
  private readonly pending = new Map<number, string>();

  /** Starts listening on mongoose's client (connected by the stack). */
  attach(): void {
    const client = mongoose.connection.getClient();
    if (!client.options.monitorCommands) throw new Error('the MongoDB connection string lacks monitorCommands=true');
    client.on('commandStarted', (event) => {
      const key = `${collectionOf(event.command, event.commandName, event.databaseName)}.${event.commandName}`;
      this.counts[key] = (this.counts[key] ?? 0) + 1;
      this.total++;
      this.pending.set(event.requestId, key);
    });
    const finished = (event: { requestId: number; duration: number }) => {
      if (this.pending.delete(event.requestId)) this.totalMs += event.duration;
    };
    client.on('commandSucceeded', finished);
    client.on('commandFailed', finished);
  }

  snapshot(): DbCounts {
    return { by: { ...this.counts }, total: this.total, totalMs: this.totalMs };
  }

  /** Commands between two snapshots. */
  static between(before: DbCounts, after: DbCounts): DbCounts {
    const by: Record<string, number> = {};
    for (const [key, value] of Object.entries(after.by)) {
      const delta = value - (before.by[key] ?? 0);
      if (delta > 0) by[key] = delta;
    }
    return { by: sortByCount(by), total: after.total - before.total, totalMs: after.totalMs - before.totalMs };
  }
}

function sortByCount(by: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(by).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));
}

/** The counts divided by n, rounded to 0.01. */
export function dbPerUnit(counts: DbCounts, n: number): DbCounts {
  const per = (value: number) => (n > 0 ? Number((value / n).toFixed(2)) : Number.NaN);
  return {
    by: Object.fromEntries(Object.entries(counts.by).map(([key, value]) => [key, per(value)])),
    total: per(counts.total),
    totalMs: per(counts.totalMs),
  };
}
