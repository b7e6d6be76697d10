import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry } from 'prom-client';
import { CLUSTER_METRICS_REPLY, CLUSTER_METRICS_REQUEST } from '../api/cluster-metrics.js';

/** What a worker tells the primary once it listens: enough for the primary to say where the server is. */
export interface WorkerListening {
  type: 'mnemo:listening';
  url: string;
  dialect: string;
  artifactsLocation: string;
}

const LISTENING = 'mnemo:listening';
/** A worker that dies right after it was started again waits this long before the next try, so a crash loop idles. */
const RESTART_DELAY_MS = 1_000;

/** Called in a worker once its server listens. */
export function reportListening(message: Omit<WorkerListening, 'type'>): void {
  process.send?.({ type: LISTENING, ...message } satisfies WorkerListening);
}

/**
 * The primary of `mnemo server --workers N`: N processes serve the same address (the cluster module hands each new
 * connection to one of them in turn), so the server uses N cores. Each worker is a whole server on the shared
 * database, as replicas behind a load balancer are; what replicas already coordinate through the database (audit
 * appends, background jobs, migrations) works the same here.
 *
 * The first worker starts alone, so only one migrates the database, generates a missing signing key or prints the
 * admin's first token; the others start once it listens. A worker that exits before it listens stops the whole
 * server with its exit code (its error is on stderr); one that dies later is replaced. SIGTERM or SIGINT stops every
 * worker gracefully (each finishes its requests in flight), then the primary.
 */
export async function serveWithWorkers(count: number): Promise<void> {
  let stopping = false;
  const listening = new Map<Worker, WorkerListening>();
  const metrics = new AggregatorRegistry();

  const start = (): Promise<WorkerListening> =>
    new Promise((resolve, reject) => {
      const worker = cluster.fork();
      worker.on('message', (message: { type?: string; id?: number }) => {
        if (message?.type === LISTENING) {
          listening.set(worker, message as WorkerListening);
          resolve(message as WorkerListening);
        } else if (message?.type === CLUSTER_METRICS_REQUEST) {
          // A scrape reached one worker: it answers with every worker's counters, summed.
          metrics.clusterMetrics().then(
            (text) => worker.send({ type: CLUSTER_METRICS_REPLY, id: message.id, text }),
            (error: Error) => worker.send({ type: CLUSTER_METRICS_REPLY, id: message.id, error: error.message }),
          );
        }
      });
      worker.once('exit', (code, signal) => {
        const wasListening = listening.delete(worker);
        if (!wasListening) {
          reject(
            Object.assign(new Error(`a server worker stopped while starting (${signal ?? `code ${code}`})`), { code }),
          );
          return;
        }
        replace(`a server worker stopped (${signal ?? `code ${code}`}); starting another`);
      });
    });
  // Decided after a delay: on Ctrl-C the workers may stop before the primary hears its own SIGINT. A replacement
  // that fails to start (the database away, say) is tried again until one listens.
  const replace = (reason: string): void => {
    setTimeout(() => {
      if (stopping) return;
      console.error(`mnemo: ${reason}`);
      start().catch(() => replace('a replacement server worker failed to start; trying again'));
    }, RESTART_DELAY_MS);
  };

  const stop = async (exitCode: number) => {
    if (stopping) return;
    stopping = true;
    const workers = Object.values(cluster.workers ?? {}).filter((worker): worker is Worker => worker !== undefined);
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve) => {
            if (worker.isDead()) return resolve();
            worker.once('exit', () => resolve());
            worker.process.kill('SIGTERM');
          }),
      ),
    );
    process.exit(exitCode);
  };
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));

  try {
    const first = await start();
    await Promise.all(Array.from({ length: count - 1 }, start));
    console.log(
      `Mnemo is serving on ${first.url} with ${count} workers (metadata: ${first.dialect}, artifacts: ` +
        `${first.artifactsLocation})`,
    );
  } catch (error) {
    // The worker already said why on stderr; the others (if any started) are stopped with it.
    await stop(typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code || 1 : 1);
  }
}
