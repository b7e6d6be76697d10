import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import type { Services } from '../services/services.js';
import { access, PUBLIC, SIGNED_IN } from './access/route-access.js';
import { registerBacklogMetrics } from './backlog-metrics.js';
import { clusterAwareMetrics } from './cluster-metrics.js';
import type { TypedApp } from './typed-app.js';
import { VERSION } from './version.js';

/**
 * Liveness, readiness and Prometheus metrics. Registered without encapsulation so its request counters see every route of the
 * application, not only its own.
 */
export async function operationalRoutes(
  app: TypedApp,
  { services, protectMetrics = false }: { services: Services; protectMetrics?: boolean },
) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'mnemo_' });
  const requests = new Counter({
    name: 'mnemo_http_requests_total',
    help: 'HTTP requests by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'mnemo_http_request_duration_seconds',
    help: 'HTTP request latency by route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [registry],
  });
  registerBacklogMetrics(registry, services.backlog, Date.now);

  app.addHook('onResponse', (request, reply, done) => {
    // The route pattern, not the URL: ids in URLs would give every run its own time series.
    const route = request.routeOptions.url ?? 'unmatched';
    requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    latency.observe({ method: request.method, route }, reply.elapsedTime / 1000);
    done();
  });

  app.get('/health', { config: access(PUBLIC), schema: { hide: true } }, async (_request, reply) => {
    try {
      await services.experiments.get('0');
      return { status: 'ok', version: VERSION };
    } catch (error) {
      return reply.status(503).send({ status: 'unavailable', message: (error as Error).message });
    }
  });

  // Readiness, unlike liveness, asks the parts the replica depends on: a 503 takes it out of rotation until they answer.
  app.get('/ready', { config: access(PUBLIC), schema: { hide: true } }, async (_request, reply) => {
    const readiness = await services.readiness.check();
    if (readiness.ready) return { status: 'ready', version: VERSION };
    return reply.status(503).send({ status: 'unavailable', message: readiness.reason });
  });

  // Open by default, as Prometheus scrapers expect; `--protect-metrics` asks for a token (any signed-in caller).
  const metricsAccess = access(protectMetrics ? SIGNED_IN : PUBLIC);
  const metricsText = clusterAwareMetrics(registry);
  app.get('/metrics', { config: metricsAccess, schema: { hide: true } }, async (_request, reply) => {
    try {
      const text = await metricsText();
      return reply.type(registry.contentType).send(text);
    } catch (error) {
      return reply.status(503).send({ error_code: 'TEMPORARILY_UNAVAILABLE', message: (error as Error).message });
    }
  });
}

Object.assign(operationalRoutes, { [Symbol.for('skip-override')]: true });
