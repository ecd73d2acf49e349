import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

interface SpawnLoggedOptions {
  /** Short name, used for the log file (`<logDir>/<name>.log`) and in errors. */
  name: string;
  command: string;
  args: readonly string[];
  logDir: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** Exit code or signal once the process has exited, else undefined. */
  exitStatus(): string | undefined;
  /** Last lines of the log file. */
  logTail(lines?: number): string;
  /** Resolves once host:port accepts TCP connections; rejects if the process exits or time runs out. */
  waitForPort(port: number, options?: { host?: string; timeoutMs?: number }): Promise<void>;
  /** Resolves once the log holds `text`; rejects if the process exits or time runs out. */
  waitForLog(text: string, options?: { timeoutMs?: number }): Promise<void>;
  /** Sends one signal (SIGKILL: no chance to clean up) and resolves once the process has exited. */
  kill(signal: NodeJS.Signals): Promise<void>;
  /** SIGTERM, then SIGKILL after graceMs; resolves once the process has exited. */
  stop(graceMs?: number): Promise<void>;
}

const live = new Set<ChildProcess>();
let hooksInstalled = false;

function killAllSync(): void {
  for (const child of live) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  live.clear();
}

/** Children must not outlive this process: kill them on exit and on SIGINT/SIGTERM. */
function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.once('exit', killAllSync);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    const onSignal = (): void => {
      killAllSync();
      // Adding a listener disables Node's default "exit on signal"; if nobody
      // else handles the signal, restore that behaviour.
      if (process.listenerCount(signal) === 1) {
        process.removeListener(signal, onSignal);
        process.kill(process.pid, signal);
      }
    };
    process.on(signal, onSignal);
  }
}

function tail(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8')
      .split('\n')
      .slice(-lines - 1)
      .join('\n')
      .trimEnd();
  } catch {
    return '(no log output)';
  }
}

/** Spawns a long-running child process with stdout and stderr appended to `<logDir>/<name>.log`. */
export function spawnLogged(options: SpawnLoggedOptions): ManagedProcess {
  installExitHooks();
  mkdirSync(options.logDir, { recursive: true });
  const logFile = join(options.logDir, `${options.name}.log`);
  const fd = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(options.command, options.args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', fd, fd],
    });
  } finally {
    closeSync(fd);
  }

  let status: string | undefined;
  let spawnError: Error | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      status = signal ? `signal ${signal}` : `exit code ${code ?? 'unknown'}`;
      live.delete(child);
      resolve();
    });
    child.once('error', (err) => {
      spawnError = err;
      status = `failed to start: ${err.message}`;
      live.delete(child);
      resolve();
    });
  });
  live.add(child);

  const describe = (): string => `${options.name} (${options.command} ${options.args.join(' ')})`;
  const logTail = (lines = 40): string => tail(logFile, lines);

  return {
    name: options.name,
    get pid() {
      return child.pid ?? -1;
    },
    logFile,
    exitStatus: () => status,
    logTail,

    async waitForPort(port, { host = '127.0.0.1', timeoutMs = 30_000 } = {}) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (status !== undefined) {
          throw new Error(
            `${describe()} exited (${status}) before ${host}:${port} accepted connections.` +
              `${spawnError ? '' : `\nLog ${logFile}:\n${logTail()}`}`,
          );
        }
        if (await canConnect(host, port)) return;
        if (Date.now() > deadline) {
          throw new Error(
            `${describe()} did not accept connections on ${host}:${port} within ${timeoutMs} ms.\nLog ${logFile}:\n${logTail()}`,
          );
        }
        await sleep(100);
      }
    },

    async waitForLog(text, { timeoutMs = 60_000 } = {}) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (tail(logFile, 10_000).includes(text)) return;
        if (status !== undefined)
          throw new Error(`${describe()} exited (${status}) before logging ${text}.\nLog ${logFile}:\n${logTail()}`);
        if (Date.now() > deadline)
          throw new Error(`${describe()} did not log ${text} within ${timeoutMs} ms.\nLog ${logFile}:\n${logTail()}`);
        await sleep(100);
      }
    },

    async kill(signal) {
      if (status !== undefined) return;
      child.kill(signal);
      await exited;
    },

    async stop(graceMs = 5_000) {
      if (status !== undefined) return;
      child.kill('SIGTERM');
      const killTimer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      try {
        await exited;
      } finally {
        clearTimeout(killTimer);
      }
    },
  };
}

/** True if a TCP connection to host:port succeeds right now. */
function canConnect(host: string, port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
