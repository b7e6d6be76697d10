import { elapsedMs, now } from './stats.js';

export interface LoadResult {
  requests: number;
  seconds: number;
}

/**
 * Drives `clients` concurrent request loops. Every client first sends `warmup` requests that are not timed; once
 * all clients are warm, the clock starts and each sends `requestsPerClient` more. Throughput = timed work / wall time.
 */
export async function runConcurrentClients(options: {
  clients: number;
  warmup: number;
  requestsPerClient: number;
  send: (client: number, index: number) => Promise<void>;
}): Promise<LoadResult> {
  const { clients, warmup, requestsPerClient, send } = options;
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      for (let i = 0; i < warmup; i++) await send(client, i);
    }),
  );
  const started = now();
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      for (let i = 0; i < requestsPerClient; i++) await send(client, warmup + i);
    }),
  );
  return { requests: clients * requestsPerClient, seconds: elapsedMs(started) / 1000 };
}
