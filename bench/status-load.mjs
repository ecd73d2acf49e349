/* global fetch, AbortSignal */
// The status-read load, in a worker thread of its own: the readers' HTTP work runs on its own
// event loop (and core), not on the API's. Plain JavaScript so that it loads without tsx.
import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';

const { baseUrl, targets, clients, seconds, maxReads, timeoutMs } = workerData;
const latencies = [];
const statuses = {};
let issued = 0;
const t0 = performance.now();
const stopAt = Date.now() + seconds * 1000;
await Promise.all(
  Array.from({ length: clients }, async (_, c) => {
    for (let k = 0; issued < maxReads && Date.now() < stopAt; k++) {
      issued++;
      const target = targets[(c + k * clients) % targets.length];
      const start = performance.now();
      let status = 0;
      try {
        const response = await fetch(`${baseUrl}/registrations/${target.id}`, {
          headers: { authorization: `Bearer ${target.token}` },
          signal: AbortSignal.timeout(timeoutMs),
        });
        await response.arrayBuffer();
        status = response.status;
      } catch {
        status = 0;
      }
      latencies.push(performance.now() - start);
      statuses[String(status)] = (statuses[String(status)] ?? 0) + 1;
    }
  }),
);
parentPort.postMessage({ latencies, statuses, wallMs: performance.now() - t0 });
