/**
 * Work that must reach the database one piece at a time within a process: FerretDB runs an
 * update as read-modify-write without a lock, and the audit chain's next seq is known in process.
 * Pieces run in order of arrival; one that fails does not stop the next.
 */
export function oneAtATime() {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(work: () => Promise<T>): Promise<T> => {
    const run = tail.then(work);
    tail = run.catch(() => undefined);
    return run;
  };
}

/** One queue per key (a counter's id): pieces for one key run one at a time, other keys in parallel. */
export function oneAtATimePerKey() {
  const queues = new Map<string, { run: ReturnType<typeof oneAtATime>; pending: number }>();
  return <T>(key: string, work: () => Promise<T>): Promise<T> => {
    const queue = queues.get(key) ?? { run: oneAtATime(), pending: 0 };
    queues.set(key, queue);
    queue.pending++;
    return queue.run(work).finally(() => {
      if (--queue.pending === 0) queues.delete(key);
    });
  };
}
