import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** Requests one caller may make per minute by default: a training loop logging every step stays well inside it. */
export const DEFAULT_REQUESTS_PER_MINUTE = 6_000;

/**
 * Limits how fast each caller may call: per token (or signed-in principal) when it authenticated, else per source
 * address. Counted after authentication, so one caller cannot use up another's allowance by naming its token
 * falsely; public routes (health, metrics, the UI's files) are not counted. Over the limit, the answer is 429 with
 * `Retry-After`. Counts are kept per server process: behind a load balancer each replica allows the limit, and so
 * does each process of `--workers`.
 */
export async function installRateLimits(app: FastifyInstance, requestsPerMinute: number): Promise<void> {
  if (requestsPerMinute <= 0) return;
  await app.register(fastifyRateLimit, {
    global: true,
    hook: 'preHandler',
    max: requestsPerMinute,
    timeWindow: 60_000,
    keyGenerator: callerKey,
    allowList: (request) => {
      const declared = request.routeOptions.config?.access;
      return !declared || declared.kind === 'public';
    },
    addHeadersOnExceeding: { 'x-ratelimit-limit': true, 'x-ratelimit-remaining': true, 'x-ratelimit-reset': true },
    addHeaders: {
      'x-ratelimit-limit': true,
      'x-ratelimit-remaining': true,
      'x-ratelimit-reset': true,
      'retry-after': true,
    },
    errorResponseBuilder: (_request, context) =>
      Object.assign(
        new Error(
          `Too many requests: at most ${context.max} a minute per caller; try again in ${Math.ceil(context.ttl / 1000)} s`,
        ),
        { statusCode: 429, code: 'REQUEST_LIMIT_EXCEEDED' },
      ),
  });
}

function callerKey(request: FastifyRequest): string {
  const principal = request.principal;
  if (!principal || principal.via === 'open') return `address:${request.ip}`;
  return principal.tokenId ? `token:${principal.tokenId}` : `principal:${principal.id}`;
}
