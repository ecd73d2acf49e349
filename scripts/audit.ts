/**
 * The audit log from the command line, against MONGODB_URI:
 *
 *   npx tsx scripts/audit.ts verify               exit 0: "audit chain ok: N entries"
 *                                                 exit 1: every problem, by seq
 *   npx tsx scripts/audit.ts export [--out FILE]  JSON lines, one per entry, in seq order
 *
 * Exit 2 on a usage error or when the database cannot be read.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { exportAuditChain, verifyAuditChain } from '../audit/audit-verification';
import { loadConfig } from '../config';
import { connectDatabase, disconnectDatabase } from '../models/connect';

const USAGE = 'usage: tsx scripts/audit.ts verify | export [--out FILE]\n';

type Command = { name: 'verify' } | { name: 'export'; out?: string };

function parse(args: string[]): Command | undefined {
  const [name, ...rest] = args;
  if (name === 'verify' && rest.length === 0) return { name };
  if (name === 'export') {
    if (rest.length === 0) return { name };
    if (rest.length === 2 && rest[0] === '--out' && rest[1]) return { name, out: rest[1] };
    const joined = rest.length === 1 ? /^--out=(.+)$/.exec(rest[0] ?? '') : null;
    if (joined?.[1]) return { name, out: joined[1] };
  }
  return undefined;
}

/** Writes a line, waiting when the stream's buffer is full. */
async function writeLine(stream: NodeJS.WritableStream, line: string): Promise<void> {
  if (!stream.write(`${line}\n`)) await once(stream, 'drain');
}

async function closeFile(file: WriteStream): Promise<void> {
  file.end();
  await once(file, 'finish');
}

async function run(command: Command): Promise<number> {
  if (command.name === 'verify') {
    const result = await verifyAuditChain();
    if (result.ok) {
      process.stdout.write(`audit chain ok: ${result.entries} entries\n`);
      return 0;
    }
    const lines = result.problems.map((p) => `  seq ${p.seq}: ${p.problem}`);
    process.stdout.write(`audit chain BROKEN: ${result.entries} entries, ${result.problems.length} problem(s)\n${lines.join('\n')}\n`);
    return 1;
  }
  if (!command.out) {
    await exportAuditChain((line) => writeLine(process.stdout, line));
    return 0;
  }
  const file = createWriteStream(command.out, { encoding: 'utf8' });
  try {
    const count = await exportAuditChain((line) => writeLine(file, line));
    process.stderr.write(`exported ${count} entries to ${command.out}\n`);
  } finally {
    await closeFile(file);
  }
  return 0;
}

async function main(): Promise<number> {
  const command = parse(process.argv.slice(2));
  if (!command) {
    process.stderr.write(USAGE);
    return 2;
  }
  await connectDatabase(loadConfig().mongodbUri);
  try {
    return await run(command);
  } finally {
    await disconnectDatabase();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`audit: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  },
);
