/**
 * Complete registrations: the warm-up, the timed flow (with its CPU, MongoDB commands and memory)
 * and the optional second batch on the same data, and the `flow` section of the result.
 */
import type { Role } from '../test/support/api-client';
import { out, type BenchContext } from './context';
import { DbMonitor, type DbCounts } from './db-monitor';
import { Applicant, FLOW_STEPS } from './flow';
import type { BenchOrganization } from './organization-setup';
import { cpuBetween, sampleCpu, sampleMemory, type MemorySample } from './procs';
import { countBy, now, round, runPool, summarize, type Summary } from './stats';

/** Flow registrations alternate between these roles. */
const ROLES: readonly Role[] = ['INDIVIDUAL_PRACTITIONER', 'END_USER'];

/** One complete registration, from `POST /registrations` to the first login; `index` picks the role. */
export type CompleteOne = (label: string, index: number) => Promise<Applicant>;

export interface TimedFlow {
  done: Applicant[];
  errors: { index: number; error: string }[];
  skipped: number;
  seconds: number;
  registrationsPerSecond: number;
  cpu: Record<string, number>;
  db: DbCounts;
  memoryAfterFlow: MemorySample;
}

export interface SecondBatch {
  registrationsPerSecond: number;
  completed: number;
  growth: number;
  steps: Record<string, Summary>;
}

/** Individual Practitioners are approved by the Help Desk, End Users join the group and are approved by its UGA. */
export function registrationCompleter(ctx: BenchContext, { setup, ugaApprover }: BenchOrganization): CompleteOne {
  const { organizationId, userGroupId } = setup;
  const detailsFor = (role: Role): Record<string, unknown> => (role === 'END_USER' ? { organizationId, userGroupId } : {});
  const approverFor = (role: Role) => (role === 'END_USER' ? ugaApprover : ctx.helpDesk);
  return async (label, index) => {
    const role = ROLES[index % ROLES.length]!;
    const applicant = new Applicant(ctx.clients, role, ctx.identities.take().identity, ctx.email(label));
    await applicant.park(detailsFor(role));
    await applicant.approveAndLogIn(approverFor(role));
    return applicant;
  };
}

/** `--warmup` registrations, not counted; the seconds they took. */
export async function warmUp({ options, deadline }: BenchContext, completeOne: CompleteOne): Promise<number> {
  const warmStart = now();
  if (options.warmup > 0) {
    out(`warm-up: ${options.warmup} registrations`);
    const warm = await runPool(
      Array.from({ length: options.warmup }, (_, i) => `warmup-${i}`),
      options.concurrency,
      completeOne,
      deadline,
    );
    if (warm.errors.length) throw new Error(`warm-up failed: ${warm.errors[0]!.error}`);
  }
  return (now() - warmStart) / 1000;
}

export async function timedFlow({ options, deadline, db }: BenchContext, completeOne: CompleteOne): Promise<TimedFlow> {
  out(`flow: ${options.registrations} registrations at concurrency ${options.concurrency}`);
  const dbBefore = db.snapshot();
  const cpuBefore = sampleCpu();
  const flowStart = now();
  const flow = await runPool(
    Array.from({ length: options.registrations }, (_, i) => `r${i}`),
    options.concurrency,
    completeOne,
    deadline,
  );
  const seconds = (now() - flowStart) / 1000;
  const cpu = cpuBetween(cpuBefore, sampleCpu());
  const flowDb = DbMonitor.between(dbBefore, db.snapshot());
  const memoryAfterFlow = sampleMemory(); // no GC first: what the process holds while working
  const done = flow.results.filter((a): a is Applicant => a !== undefined);
  const registrationsPerSecond = done.length / seconds;
  out(`flow: ${done.length} completed, ${flow.errors.length} failed in ${seconds.toFixed(1)} s → ${registrationsPerSecond.toFixed(3)}/s`);
  for (const e of flow.errors.slice(0, 5)) console.error(`  failed r${e.index}: ${e.error}`);
  return { done, errors: flow.errors, skipped: flow.skipped, seconds, registrationsPerSecond, cpu, db: flowDb, memoryAfterFlow };
}

/** The flow again on the same data: a step whose cost grows with what is stored shows here. */
export async function secondBatch({ options, deadline }: BenchContext, completeOne: CompleteOne, firstRate: number): Promise<SecondBatch> {
  out(`second batch: ${options.registrations} registrations at concurrency ${options.concurrency}`);
  const start = now();
  const again = await runPool(
    Array.from({ length: options.registrations }, (_, i) => `s${i}`),
    options.concurrency,
    completeOne,
    deadline,
  );
  const finished = again.results.filter((a): a is Applicant => a !== undefined);
  const rate = finished.length / ((now() - start) / 1000);
  const batch = {
    registrationsPerSecond: round(rate, 4),
    completed: finished.length,
    // The second batch's rate over the first's: 1 means no growth.
    growth: round(rate / firstRate, 3),
    steps: stepSummaries(finished),
  };
  out(`second batch: ${finished.length} completed → ${rate.toFixed(3)}/s (growth ${batch.growth})`);
  return batch;
}

/** The `flow` section of the result. */
export function flowSection(
  { options, helpDesk }: BenchContext,
  flow: TimedFlow,
  { setup }: BenchOrganization,
  second: SecondBatch | undefined,
) {
  const { done } = flow;
  return {
    registrations: options.registrations,
    completed: done.length,
    failed: flow.errors.length,
    skipped: flow.skipped,
    errors: flow.errors.slice(0, 20).map((e) => `r${e.index}: ${e.error}`),
    concurrency: options.concurrency,
    roles: countBy(done.map((a) => a.role)),
    approvers: { INDIVIDUAL_PRACTITIONER: helpDesk.userId, END_USER: `${setup.ugaUserId} (UGA)` },
    pollMs: options.pollMs,
    wallSeconds: round(flow.seconds, 3),
    registrationsPerSecond: round(flow.registrationsPerSecond, 4),
    steps: stepSummaries(done),
    total: summarize(done.map((a) => a.timings.total)),
    ...(second && { secondBatch: second }),
    byRole: Object.fromEntries(
      ROLES.map((role) => [role, { total: summarize(done.filter((a) => a.role === role).map((a) => a.timings.total)) }]),
    ),
  };
}

function stepSummaries(applicants: readonly Applicant[]): Record<string, Summary> {
  return Object.fromEntries(
    FLOW_STEPS.map((step) => [step, summarize(applicants.map((a) => a.timings.steps[step]).filter((v): v is number => v !== undefined))]),
  );
}
