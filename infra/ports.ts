import { createServer, type Server } from 'node:net';

/**
 * Ports below Linux's ephemeral range (32768–60999): the OS never hands them out for an outgoing
 * connection or a `listen(0)`, so a port picked here stays free until its server binds it, even
 * while other test files start servers and open connections beside this one.
 */
const PICK_FROM = 20_000;
const PICK_TO = 32_767;

/** A currently free TCP port on 127.0.0.1, picked at random below the ephemeral range. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = PICK_FROM + Math.floor(Math.random() * (PICK_TO - PICK_FROM + 1));
    if (await canListen(port)) return port;
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
