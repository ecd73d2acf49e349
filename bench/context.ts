/** What every phase of a bench run shares: the options, the clients, the people and the limits. */
import { GENERATED_IDENTITIES, generatedIdentity, type SsaIdentity } from '../simulators/ssa-fixtures';
import type { DbMonitor } from './db-monitor';
import type { Approver, Clients } from './flow';
import type { BenchOptions } from './options';

/** The generated SSA identities (simulators/ssa-fixtures.ts) a run may use. */
export const POOL_SIZE = GENERATED_IDENTITIES;

/** A progress line on stdout (the run's own output; errors go to stderr). */
export const out = (line = '') => process.stdout.write(`${line}\n`);

/** Each generated identity once per run: one person, one live registration (and one account). */
export class IdentityPool {
  private next = 0;
  take(): { n: number; identity: SsaIdentity } {
    if (this.next >= POOL_SIZE) throw new Error(`the generated identity pool (${POOL_SIZE}) is used up`);
    const n = this.next++;
    return { n, identity: generatedIdentity(n) };
  }
  get left(): number {
    return POOL_SIZE - this.next;
  }
}

export interface BenchContext {
  options: BenchOptions;
  runId: string;
  clients: Clients;
  identities: IdentityPool;
  /** An email address of this run's own for the label. */
  email: (label: string) => string;
  /** Epoch ms after which no phase starts new work. */
  deadline: number;
  /** MongoDB commands of the API and the worker. */
  db: DbMonitor;
  /** Approves organizations and Individual Practitioners; reads the approval queue. */
  helpDesk: Approver;
}
