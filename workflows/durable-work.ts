/**
 * Durable work of a chart inside a workflow that holds up no message: the chart's `after` delays
 * as Temporal timers, and long work in the background. Each runs in its own cancellation scope.
 */
import { CancellationScope, isCancellation, sleep } from '@temporalio/workflow';

/** The chart's `after` delays as durable timers: each dispatches its event when it falls due, unless cancelled first. */
export function durableTimers<E>(dispatch: (event: E) => Promise<void>) {
  const timers = new Map<string, { scope: CancellationScope; dueAt: string }>();
  return {
    start(id: string, event: E, delay: number | undefined): void {
      if (delay === undefined) throw new Error(`an undelayed raise escaped the chart: ${id}`);
      const scope = new CancellationScope();
      timers.set(id, { scope, dueAt: new Date(Date.now() + delay).toISOString() });
      scope
        .run(() => sleep(delay))
        .then(() => {
          timers.delete(id);
          return dispatch(event);
        })
        .catch((err: unknown) => {
          if (!isCancellation(err)) throw err;
        });
    },
    cancel(id: string): void {
      timers.get(id)?.scope.cancel();
      timers.delete(id);
    },
    /** When the earliest running timer of the chart falls due. */
    nextDueAt: (): string | undefined => [...timers.values()][0]?.dueAt,
  };
}

/**
 * Work that may take long (an outside service down, a deadline days away), run without holding
 * up other messages, by name so that the chart can stop it.
 */
export function backgroundWork() {
  const running = new Map<string, CancellationScope>();
  return {
    /** Starts `long`; `then` runs outside the work's scope: stopping the work never cancels it. */
    run<T>(name: string, long: () => Promise<T>, then: (result: T) => Promise<unknown> = async () => undefined): void {
      const scope = new CancellationScope();
      running.set(name, scope);
      scope
        .run(long)
        .then(then)
        .catch((err: unknown) => {
          if (!isCancellation(err)) throw err;
        })
        .finally(() => running.delete(name));
    },
    stop(name: string): void {
      running.get(name)?.cancel();
    },
    size: (): number => running.size,
  };
}
