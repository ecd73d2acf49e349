/* global URL */
// The status-read load, in a worker thread of its own: the readers' HTTP work runs on its own
// event loop (and core), not on the API's. Plain JavaScript so that it loads without tsx.
//
// node:http with a keep-alive agent rather than fetch: on this 2-core machine fetch (undici)
// spent so much CPU that the readers, not the API, set the latency (a bare node:http server
// answering a fixed body read 5,760/s at p99 80 ms through fetch, 28,500/s at p99 14 ms through
// node:http), and the readers share the cores with the API and the database.
import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'node:http';

const { baseUrl, targets, clients, seconds, maxReads, timeoutMs } = workerData;
const url = new URL(baseUrl);
const agent = new Agent({ keepAlive: true, maxSockets: clients });
const latencies = [];
const statuses = {};
let issued = 0;

/** One GET; resolves with the HTTP status, or 0 when the request failed or timed out. */
function read(path, token) {
  return new Promise((resolve) => {
    const req = request({ host: url.hostname, port: url.port, path, agent, headers: { authorization: `Bearer ${token}` } }, (res) => {
      res.on('data', () => {});
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', () => resolve(0));
    });
    req.setTimeout(timeoutMs, () => req.destroy());
    req.on('error', () => resolve(0));
    req.end();
  });
}

const t0 = performance.now();
const stopAt = Date.now() + seconds * 1000;
await Promise.all(
  Array.from({ length: clients }, async (_, c) => {
    for (let k = 0; issued < maxReads && Date.now() < stopAt; k++) {
      issued++;
      const target = targets[(c + k * clients) % targets.length];
      const start = performance.now();
      const status = await read(`${url.pathname.replace(/\/$/, '')}/registrations/${target.id}`, target.token);
      latencies.push(performance.now() - start);
      statuses[String(status)] = (statuses[String(status)] ?? 0) + 1;
    }
  }),
);
agent.destroy();
parentPort.postMessage({ latencies, statuses, wallMs: performance.now() - t0 });
