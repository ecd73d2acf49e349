/** What a result was measured on: the machine, the commit, the processes and the worker's cache. */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { arch, cpus, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import type { LocalStack } from '../local-stack';
import { descendants } from './procs';

export function machineInfo() {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    totalMemoryMb: Math.round(totalmem() / 1024 / 1024),
    platform: platform(),
    release: release(),
    arch: arch(),
    node: process.version,
  };
}

/** The commit measured, and whether the work tree had changes; empty outside a git checkout. */
export function gitInfo(): { commit?: string; dirty?: boolean } {
  const root = join(__dirname, '..');
  if (!existsSync(join(root, '.git'))) return {};
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], { cwd: root, encoding: 'utf8' }).trim().length > 0;
    return { commit, dirty };
  } catch {
    return {};
  }
}

/** The processes measured: this one (which holds the API, the worker and the clients) and its children. */
export function processesInfo(config: LocalStack['config']) {
  return {
    note: 'The API, the Temporal worker, the mail catcher, the SSA simulator and the bench clients all run in this one node process; Temporal dev server and FerretDB are child processes.',
    nodePid: process.pid,
    children: descendants(),
    temporal: { address: config.temporal.address, persistence: 'SQLite file (persistTemporal: true, as make start)' },
  };
}

/** The worker's workflow cache, as configured (config.ts WORKER_MAX_CACHED_WORKFLOWS, given to the worker by worker.ts). */
export function workerCache(config: LocalStack['config']) {
  return {
    maxCachedWorkflows: config.worker.maxCachedWorkflows,
    source: 'config WORKER_MAX_CACHED_WORKFLOWS (worker.ts)',
    heapLimitMb: Math.round(getHeapStatistics().heap_size_limit / 1024 / 1024),
  };
}
