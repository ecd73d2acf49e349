/**
 * Whether an error says that a server the service depends on (MongoDB, Temporal) cannot be
 * reached right now: the caller may try again later (503), nothing is wrong with the request.
 */
import mongoose from 'mongoose';

/** gRPC's UNAVAILABLE and DEADLINE_EXCEEDED: the Temporal frontend is down or not answering. */
const GRPC_UNAVAILABLE = new Set([14, 4]);

function causes(err: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e = err; e !== undefined && e !== null && chain.length < 8; e = e instanceof Error ? e.cause : undefined) chain.push(e);
  return chain;
}

export function unavailableServer(err: unknown): 'database' | 'temporal' | undefined {
  for (const e of causes(err)) {
    if (
      e instanceof mongoose.mongo.MongoNetworkError ||
      e instanceof mongoose.mongo.MongoServerSelectionError ||
      e instanceof mongoose.mongo.MongoTopologyClosedError ||
      e instanceof mongoose.Error.MongooseServerSelectionError ||
      // mongoose's own wait for a connection that does not come back in time
      (e instanceof mongoose.Error && /buffering timed out/.test(e.message))
    )
      return 'database';
    if (e instanceof Error && 'code' in e && typeof e.code === 'number' && GRPC_UNAVAILABLE.has(e.code)) return 'temporal';
  }
  return undefined;
}
