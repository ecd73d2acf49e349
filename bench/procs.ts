/**
 * CPU and memory of this node process and of the servers it started (Temporal dev server,
 * FerretDB, …), read from /proc: utime+stime of /proc/PID/stat, VmRSS of /proc/PID/status.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let ticksPerSecond: number | undefined;
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

interface ProcStat {
  pid: number;
  ppid: number;
  /** utime + stime, seconds */
  cpuSeconds: number;
}

function readStat(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: fields start after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state): ppid is field 4, utime 14, stime 15.
    const ppid = Number(fields[1]);
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return { pid, ppid, cpuSeconds: (utime + stime) / clockTicks() };
  } catch {
    return undefined;
  }
}

function commandLine(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return [];
  }
}

function rssMb(pid: number): number | undefined {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** What a child process is, by its command line. */
function classify(argv: readonly string[]): string {
  const line = argv.join(' ');
  if (line.includes('start-dev')) return 'temporal';
  if (/ferretdb/i.test(argv[0] ?? '')) return 'ferretdb';
  if (/esbuild/.test(argv[0] ?? '')) return 'esbuild';
  return basename(argv[0] ?? 'unknown');
}

export interface ChildProcessInfo {
  pid: number;
  name: string;
  command: string;
}

/** Every live descendant of this process, named by what it runs. */
export function descendants(root = process.pid): ChildProcessInfo[] {
  const stats: ProcStat[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat) stats.push(stat);
  }
  const wanted = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const s of stats)
      if (!wanted.has(s.pid) && wanted.has(s.ppid)) {
        wanted.add(s.pid);
        grew = true;
      }
  }
  wanted.delete(root);
  return [...wanted].map((pid) => {
    const argv = commandLine(pid);
    return { pid, name: classify(argv), command: argv.slice(0, 3).join(' ') };
  });
}

/** CPU seconds so far of each named process: `node` (this process, all its threads) and each child kind. */
export type CpuSample = Record<string, number>;

export function sampleCpu(children: readonly ChildProcessInfo[] = descendants()): CpuSample {
  const usage = process.cpuUsage();
  const sample: CpuSample = { node: (usage.user + usage.system) / 1e6 };
  for (const child of children) {
    const stat = readStat(child.pid);
    if (stat) sample[child.name] = (sample[child.name] ?? 0) + stat.cpuSeconds;
  }
  return sample;
}

/** CPU seconds spent between two samples, per process and in all (`total`). */
export function cpuBetween(before: CpuSample, after: CpuSample): Record<string, number> {
  const spent: Record<string, number> = {};
  let total = 0;
  for (const [name, value] of Object.entries(after)) {
    const delta = value - (before[name] ?? 0);
    spent[name] = Number(delta.toFixed(3));
    total += delta;
  }
  spent.total = Number(total.toFixed(3));
  return spent;
}

/** Divides each figure by n (CPU seconds per registration or per workflow). */
export function perUnit(spent: Record<string, number>, n: number): Record<string, number> {
  return Object.fromEntries(Object.entries(spent).map(([name, value]) => [name, n > 0 ? Number((value / n).toFixed(5)) : Number.NaN]));
}

export interface MemorySample {
  node: { rssMb: number; heapUsedMb: number; heapTotalMb: number; externalMb: number };
  children: Record<string, number | undefined>;
}

const mb = (bytes: number) => Number((bytes / 1024 / 1024).toFixed(1));

export function sampleMemory(children: readonly ChildProcessInfo[] = descendants()): MemorySample {
  const m = process.memoryUsage();
  const childRss: Record<string, number | undefined> = {};
  for (const child of children) {
    const rss = rssMb(child.pid);
    if (rss !== undefined) childRss[child.name] = Number(((childRss[child.name] ?? 0) + rss).toFixed(1));
  }
  return {
    node: { rssMb: mb(m.rss), heapUsedMb: mb(m.heapUsed), heapTotalMb: mb(m.heapTotal), externalMb: mb(m.external) },
    children: childRss,
  };
}

let gc: (() => void) | undefined;
let gcTried = false;

/**
 * A full garbage collection before a memory sample, so that heap figures compare; the flag is
 * set at run time (the command line of `npm run bench` carries no node flags). False when unavailable.
 */
export function collectGarbage(): boolean {
  if (!gcTried) {
    gcTried = true;
    try {
      setFlagsFromString('--expose-gc');
      const found: unknown = runInNewContext('gc');
      if (typeof found === 'function') gc = () => void found();
    } catch {
      gc = undefined;
    }
  }
  gc?.();
  return gc !== undefined;
}

/** The highest RSS of this process and of each child kind, sampled every second while started. */
export class PeakMemory {
  private timer: NodeJS.Timeout | undefined;
  private peakNode = 0;
  private peakChildren: Record<string, number> = {};
  start(): void {
    const sample = () => {
      const m = sampleMemory();
      this.peakNode = Math.max(this.peakNode, m.node.rssMb);
      for (const [name, rss] of Object.entries(m.children))
        if (rss !== undefined) this.peakChildren[name] = Math.max(this.peakChildren[name] ?? 0, rss);
    };
    sample();
    this.timer = setInterval(sample, 1000);
    this.timer.unref();
  }
  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
  value() {
    return { nodeRssMb: this.peakNode, childrenRssMb: { ...this.peakChildren } };
  }
}
