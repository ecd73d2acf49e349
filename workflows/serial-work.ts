/** Work done one piece at a time inside a workflow (the chart runner's queue of messages). */

/**
 * Runs one piece of work at a time, in order of arrival, so each event's effects finish before
 * the next event. `idle()` counts queued work too: a workflow must not end between two pieces.
 */
export function serialWork() {
  let tail: Promise<unknown> = Promise.resolve();
  let pending = 0;
  return {
    run<T>(work: () => Promise<T>): Promise<T> {
      pending++;
      const run = tail.then(work).finally(() => pending--);
      tail = run.catch(() => undefined);
      return run;
    },
    idle: () => pending === 0,
  };
}
