/**
 * The worker as a process of its own, as it runs in production (`node dist/worker.js`): the
 * local stack starts it when asked to, so that a test can kill it (SIGKILL: no draining, no
 * clean-up) and start it again on the same servers.
 */
import { join } from 'node:path';
import { spawnLogged, type ManagedProcess } from './processes';

const WORKER_ENTRY = join(__dirname, '..', 'worker.ts');

export interface WorkerProcess {
  /** The running process's id, if one runs. */
  readonly pid: number | undefined;
  /** Starts a worker process (if none runs) and resolves once it polls. */
  start(): Promise<void>;
  /** Sends the signal and resolves once the process has exited. */
  kill(signal: NodeJS.Signals): Promise<void>;
  /** SIGTERM (the worker drains), SIGKILL after 15 s. */
  stop(): Promise<void>;
}

export function workerProcess(options: { env: NodeJS.ProcessEnv; logDir: string }): WorkerProcess {
  let current: ManagedProcess | undefined;
  let starts = 0;
  const running = () => (current && current.exitStatus() === undefined ? current : undefined);
  return {
    get pid() {
      return running()?.pid;
    },
    async start() {
      if (running()) return;
      starts += 1;
      // One node process (tsx as a loader, not its CLI, which would run the worker in a child of its own).
      current = spawnLogged({
        name: `worker-${starts}`,
        command: process.execPath,
        args: ['--import', 'tsx', WORKER_ENTRY],
        // At info, so that its log says when it has started (the file is the worker's own).
        env: { ...options.env, LOG_LEVEL: 'info' },
        logDir: options.logDir,
      });
      await current.waitForLog('"msg":"worker started"');
    },
    async kill(signal) {
      await running()?.kill(signal);
    },
    async stop() {
      await running()?.stop(15_000);
    },
  };
}
