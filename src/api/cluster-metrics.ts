import cluster from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';

export const CLUSTER_METRICS_REQUEST = 'mnemo:cluster-metrics-request';
export const CLUSTER_METRICS_REPLY = 'mnemo:cluster-metrics';
/** How long a scrape waits for the other workers' figures. */
const REPLY_TIMEOUT_MS = 5_000;

/**
 * The Prometheus text of the whole server. Run alone, that is this process's registry. As one worker of
 * `mnemo server --workers N`, it is every worker's registry summed by the primary (counters and histograms add up,
 * gauges read from the database take the highest value): a scrape lands on one worker, and its figures alone would
 * show a fraction of the requests.
 */
export function clusterAwareMetrics(registry: Registry): () => Promise<string> {
  if (!cluster.isWorker) return () => registry.metrics();
  // The primary's aggregator asks each worker for the registries named here; prom-client answers those requests
  // once an aggregator exists in the worker (its constructor starts listening), though this one is never read.
  AggregatorRegistry.setRegistries([registry]);
  new AggregatorRegistry();
  const waiting = new Map<number, { resolve: (text: string) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  process.on('message', (message: { type?: string; id?: number; text?: string; error?: string }) => {
    if (message?.type !== CLUSTER_METRICS_REPLY || message.id === undefined) return;
    const pending = waiting.get(message.id);
    waiting.delete(message.id);
    if (message.error !== undefined) pending?.reject(new Error(message.error));
    else pending?.resolve(message.text ?? '');
  });
  return () =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new Error('the other server workers did not report their metrics in time'));
      }, REPLY_TIMEOUT_MS);
      waiting.set(id, {
        resolve: (text) => (clearTimeout(timer), resolve(text)),
        reject: (error) => (clearTimeout(timer), reject(error)),
      });
      process.send?.({ type: CLUSTER_METRICS_REQUEST, id });
    });
}
