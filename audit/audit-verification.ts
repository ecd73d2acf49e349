/**
 * Reading the audit chain back: verifying it entry by entry against its hashes and the head,
 * and exporting it as JSON lines to keep elsewhere.
 */
import { AuditEventModel, AuditHeadModel, type AuditEntry } from '../models/audit-event';
import { auditEntryHash, GENESIS_HASH } from './audit-hash';

interface AuditProblem {
  seq: number;
  problem: string;
}

interface AuditVerification {
  ok: boolean;
  entries: number;
  problems: AuditProblem[];
}

function entriesInSeqOrder() {
  return AuditEventModel.find({}, { _id: 0 }).sort({ seq: 1 }).lean<AuditEntry[]>().cursor();
}

function range(from: number, to: number): string {
  return from === to ? `entry ${from} is` : `entries ${from}..${to} are`;
}

/**
 * Walks the chain by seq and reports, by seq: an entry whose content no longer matches its
 * hash (edited), a `prevHash` that is not the previous entry's hash (edited or re-chained),
 * missing seqs (deleted), and, through the head, a deleted tail.
 */
export async function verifyAuditChain(): Promise<AuditVerification> {
  // Read the head first: entries appended during the walk then only make the chain longer.
  const head = await AuditHeadModel.findById('head').lean<{ seq: number; hash: string }>();
  const problems: AuditProblem[] = [];
  let entries = 0;
  let previous: { seq: number; hash: string } | undefined;
  for await (const entry of entriesInSeqOrder()) {
    entries++;
    if (typeof entry.seq !== 'number' || !Number.isInteger(entry.seq) || entry.seq < 1) {
      problems.push({ seq: Number(entry.seq) || 0, problem: `seq ${JSON.stringify(entry.seq)} is not a positive integer (edited)` });
      continue;
    }
    const expected = (previous?.seq ?? 0) + 1;
    if (previous && entry.seq === previous.seq) {
      problems.push({ seq: entry.seq, problem: 'a second entry with the same seq (the chain forks)' });
    } else if (entry.seq > expected) {
      problems.push({ seq: expected, problem: `${range(expected, entry.seq - 1)} missing (deleted)` });
    } else if (entry.prevHash !== (previous?.hash ?? GENESIS_HASH)) {
      problems.push({
        seq: entry.seq,
        problem: previous
          ? `prevHash is not the hash of entry ${previous.seq} (edited or re-chained)`
          : 'prevHash of the first entry is not the genesis hash (edited)',
      });
    }
    if (auditEntryHash(entry) !== entry.hash) problems.push({ seq: entry.seq, problem: 'content does not match its hash (edited)' });
    if (head && entry.seq === head.seq && entry.hash !== head.hash)
      problems.push({ seq: entry.seq, problem: 'hash differs from the one the head recorded (edited)' });
    previous = { seq: entry.seq, hash: entry.hash };
  }
  const lastSeq = previous?.seq ?? 0;
  if (head && head.seq > lastSeq) {
    problems.push({
      seq: lastSeq + 1,
      problem: `${range(lastSeq + 1, head.seq)} missing: the head records seq ${head.seq} (tail deleted)`,
    });
  } else if (!head && entries > 0) {
    problems.push({ seq: 0, problem: 'the audit head is missing (deleted?), so a deleted tail cannot be ruled out' });
  }
  return { ok: problems.length === 0, entries, problems };
}

/**
 * Writes the chain as JSON lines (`line` has no trailing newline), one per entry, in seq
 * order; awaits `write` when it returns a promise (back-pressure). Returns the entry count.
 */
export async function exportAuditChain(write: (line: string) => void | Promise<void>): Promise<number> {
  let count = 0;
  for await (const entry of entriesInSeqOrder()) {
    const line = JSON.stringify({
      seq: entry.seq,
      key: entry.key,
      at: entry.at,
      kind: entry.kind,
      registrationId: entry.registrationId ?? undefined,
      actor: entry.actor ?? undefined,
      data: entry.data,
      prevHash: entry.prevHash,
      hash: entry.hash,
    });
    await write(line);
    count++;
  }
  return count;
}
