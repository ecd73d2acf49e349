/**
 * The baseline: a bare workflow with the shape of one registration and none of its work — 13
 * no-op activities, 4 updates whose handlers run 1–3 of them, 1 short timer; no XState, no
 * HTTP, no database. Runs on its own task queue and worker (bench/baseline.ts).
 *
 * The timer is started at the start and cancelled at the end if it has not fired yet, as the
 * registration's own timers (the code window, the approval deadlines) are started and cancelled.
 * Awaiting it would measure the dev server's timer granularity (about 1 s), not the workflow.
 */
import {
  allHandlersFinished,
  CancellationScope,
  condition,
  isCancellation,
  proxyActivities,
  setHandler,
  sleep,
} from '@temporalio/workflow';
import type { BaselineActivities } from './baseline-activities';
import { BASELINE_TIMER_MS, decideUpdate, detailsUpdate, submitUpdate, verifyUpdate } from './baseline-messages';

// The same activity options as the registration workflow's.
const { noop } = proxyActivities<BaselineActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

export async function baselineWorkflow(): Promise<number> {
  /** 0 starting, 1 awaiting verification, 2 details, 3 submit, 4 decision, 5 decided. */
  let phase = 0;
  let activities = 0;
  const run = async (step: string) => {
    await noop(step);
    activities++;
  };
  /** An update's activities, once the workflow has reached its phase; updates come in order. */
  const inPhase = (expected: number, steps: readonly string[]) => async () => {
    await condition(() => phase === expected);
    for (const step of steps) await run(step);
    phase = expected + 1;
    return activities;
  };

  setHandler(verifyUpdate, inPhase(1, ['checkEmailCode', 'recordStatus']));
  setHandler(detailsUpdate, inPhase(2, ['assessDetails', 'recordStatus']));
  setHandler(submitUpdate, inPhase(3, ['submitRegistration', 'recordStatus', 'notifyApprovers']));
  setHandler(decideUpdate, inPhase(4, ['recordStatus', 'provisionAccount']));

  const timerScope = new CancellationScope();
  const timer = timerScope
    .run(() => sleep(BASELINE_TIMER_MS))
    .catch((err: unknown) => {
      if (!isCancellation(err)) throw err;
    });
  for (const step of ['recordRegistration', 'recordStatus', 'validateIdentity', 'issueEmailCode']) await run(step);
  phase = 1;
  await condition(() => phase === 5 && allHandlersFinished());
  timerScope.cancel();
  await timer;
  return activities;
}
