/** Individual Practitioner requests brought to AWAITING_APPROVAL and left there, for the queue and status reads. */
import { out, type BenchContext } from './context';
import { Applicant, type FlowTimings } from './flow';
import { now, round, runPool } from './stats';

export interface CreatedWaiting {
  applicants: Applicant[];
  summary: { requested: number; created: number; failed: number; seconds: number; errors: string[] };
}

/** `--queue-waiting W` requests, else `--status-open K` (for the status reads); none when that is 0. */
export async function createWaiting(ctx: BenchContext): Promise<CreatedWaiting | undefined> {
  const { options } = ctx;
  const toPark = options.queueWaiting > 0 ? options.queueWaiting : options.statusOpen;
  if (toPark === 0) return undefined;
  out(`waiting requests: bringing ${toPark} Individual Practitioner requests to AWAITING_APPROVAL`);
  return parkMany(ctx, toPark, 'q');
}

/** Brings `count` Individual Practitioner requests to AWAITING_APPROVAL at `--parked-concurrency`, each a person of its own. */
export async function parkMany(
  { clients, identities, options, email, deadline }: BenchContext,
  count: number,
  prefix: string,
): Promise<CreatedWaiting & { timings: FlowTimings[] }> {
  // One person, one live registration (models/registration-claims.ts): a person cannot wait twice.
  if (identities.left < count) throw new Error(`only ${identities.left} identities are left for ${count} waiting requests`);
  const people = Array.from({ length: count }, () => identities.take().identity);
  const t0 = now();
  const parked = await runPool(
    Array.from({ length: count }, (_, i) => i),
    options.parkedConcurrency,
    async (i) => {
      const applicant = new Applicant(clients, 'INDIVIDUAL_PRACTITIONER', people[i]!, email(`${prefix}${i}`));
      await applicant.park({});
      return applicant;
    },
    deadline,
  );
  const applicants = parked.results.filter((a): a is Applicant => a !== undefined);
  for (const e of parked.errors.slice(0, 3)) console.error(`  parking ${prefix}${e.index} failed: ${e.error}`);
  return {
    applicants,
    timings: applicants.map((a) => a.timings),
    summary: {
      requested: count,
      created: applicants.length,
      failed: parked.errors.length,
      seconds: round((now() - t0) / 1000),
      errors: parked.errors.slice(0, 10).map((e) => e.error),
    },
  };
}
