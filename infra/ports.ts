import { mkdirSync, openSync, closeSync, statSync, utimesSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Ports below Linux's ephemeral range (32768–60999): the OS never hands them out for an outgoing
 * connection or a `listen(0)`, so a port picked here stays free until its server binds it, even
 * while other test files start servers and open connections beside this one.
 */
const PICK_FROM = 20_000;
const PICK_TO = 32_767;

/**
 * Every process of this machine that picks a port here leaves a mark for it (a file named after
 * the port), and no process picks a marked port again for `HOLD_MS`. A server stopped and started
 * again on its port (a database restarted mid-test, say) so finds it still free: without the
 * mark, another test file could pick that port while it was down.
 */
const MARKS = join(tmpdir(), 'iacs-registration-ports');
const HOLD_MS = 15 * 60_000;

/** Marks `port` as picked, unless a process picked it less than `HOLD_MS` ago. */
function markPicked(port: number): boolean {
  mkdirSync(MARKS, { recursive: true });
  const mark = join(MARKS, String(port));
  try {
    closeSync(openSync(mark, 'wx'));
    return true;
  } catch {
    // Marked before: free to take again once the mark is old enough (touched now, so one taker wins most races).
    try {
      if (Date.now() - statSync(mark).mtimeMs < HOLD_MS) return false;
      utimesSync(mark, new Date(), new Date());
      return true;
    } catch {
      return false;
    }
  }
}

/** A currently free TCP port on 127.0.0.1, picked at random below the ephemeral range and not picked by anyone recently. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = PICK_FROM + Math.floor(Math.random() * (PICK_TO - PICK_FROM + 1));
    if ((await canListen(port)) && markPicked(port)) return port;
  }
  return listenOnce(0);
}

async function canListen(port: number): Promise<boolean> {
  try {
    await listenOnce(port);
    return true;
  } catch {
    return false;
  }
}

/** Listens on `port` (0: any) on 127.0.0.1, closes again, and resolves with the port it had. */
function listenOnce(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('could not determine a free port'));
        return;
      }
      const bound = address.port;
      server.close((err) => (err ? reject(err) : resolve(bound)));
    });
  });
}

/** Has `server` (TCP or HTTP) listen on `port` (0: any) at `host`, and resolves with the port it bound. */
export function listenOn(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.removeListener('error', reject);
      try {
        resolve(boundPort(server));
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
  });
}

/** The TCP port `server` is bound to; an error if it is not listening on one. */
export function boundPort(server: Server): number {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the server is not listening on a TCP port');
  return address.port;
}

/**
 * Runs `start` again (up to three times) when a port it picked free was taken by another process
 * between the pick and the bind, as happens when test files start servers side by side.
 * `pinned` is true when the caller fixed every port, so another try would meet the same port.
 */
export async function retryOnPortTaken<T>(start: () => Promise<T>, pinned = false): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (err) {
      const portTaken = err instanceof Error && err.message.includes('address already in use');
      if (!portTaken || pinned || attempt >= 3) throw err;
    }
  }
}
