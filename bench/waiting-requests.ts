/** Individual Practitioner requests brought to AWAITING_APPROVAL and left there, for the queue and status reads. */
import { out, type BenchContext } from './context';
import { Applicant, type FlowTimings } from './flow';
import { now, round, runPool } from './stats';

export interface CreatedWaiting {
  applicants: Applicant[];
  summary: { requested: number; created: number; failed: number; seconds: number; identitiesReused: number; errors: string[] };
}

/** `--queue-waiting W` requests, else `--status-open K` (for the status reads); none when that is 0. */
export async function createWaiting(ctx: BenchContext): Promise<CreatedWaiting | undefined> {
  const { options } = ctx;
  const toPark = options.queueWaiting > 0 ? options.queueWaiting : options.statusOpen;
  if (toPark === 0) return undefined;
  out(`waiting requests: bringing ${toPark} Individual Practitioner requests to AWAITING_APPROVAL`);
  return parkMany(ctx, toPark, 'q', 0);
}

/** Brings `count` Individual Practitioner requests to AWAITING_APPROVAL at `--parked-concurrency`. */
export async function parkMany(
  { clients, identities, options, email, deadline }: BenchContext,
  count: number,
  prefix: string,
  /** 0: every request a person of its own (or fail); k > 0: past the pool's end, all but the first k requests share people. */
  exclusiveWhenShort: number,
): Promise<CreatedWaiting & { timings: FlowTimings[]; approvable: Applicant[] }> {
  const unique = Math.min(count, identities.left);
  if (unique < count && exclusiveWhenShort === 0)
    throw new Error(`only ${identities.left} identities are left for ${count} waiting requests`);
  if (unique < 2) throw new Error(`only ${identities.left} identities are left for parked registrations`);
  const own = Array.from({ length: unique }, () => identities.take().identity);
  // Requests [0, exclusive) have a person each: only those may be approved (one person, one account). The
  // others cycle through the remaining people of the pool; they stay waiting and are never approved.
  const exclusive = unique === count ? count : Math.min(exclusiveWhenShort, unique - 1);
  const personOf = (i: number) => (i < exclusive ? own[i]! : own[exclusive + ((i - exclusive) % (unique - exclusive))]!);
  const t0 = now();
  const parked = await runPool(
    Array.from({ length: count }, (_, i) => i),
    options.parkedConcurrency,
    async (i) => {
      const applicant = new Applicant(clients, 'INDIVIDUAL_PRACTITIONER', personOf(i), email(`${prefix}${i}`));
      await applicant.park({});
      return applicant;
    },
    deadline,
  );
  const approvable = parked.results.slice(0, exclusive).filter((a): a is Applicant => a !== undefined);
  const applicants = parked.results.filter((a): a is Applicant => a !== undefined);
  for (const e of parked.errors.slice(0, 3)) console.error(`  parking ${prefix}${e.index} failed: ${e.error}`);
  return {
    applicants,
    timings: applicants.map((a) => a.timings),
    approvable,
    summary: {
      requested: count,
      created: applicants.length,
      failed: parked.errors.length,
      seconds: round((now() - t0) / 1000),
      identitiesReused: count - unique,
      errors: parked.errors.slice(0, 10).map((e) => e.error),
    },
  };
}
