import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import Fastify, { type FastifyInstance } from 'fastify';
import { type HostAllowList, hostAllowList } from '../domain/http/host-allow-list.js';
import { runWithContext } from '../services/request-context.js';
import type { Services } from '../services/services.js';
import { type AccessControlOptions, installAccessControl } from './access/access-control.js';
import { DEFAULT_REQUESTS_PER_MINUTE, installRateLimits } from './access/rate-limits.js';
import { access, PUBLIC } from './access/route-access.js';
import { replyToClientError } from './client-error-reply.js';
import { registerCompression } from './compression.js';
import { type ConnectionLimits, DEFAULT_CONNECTION_LIMITS } from './connection-limits.js';
import { installErrorHandling, installNotFound, NATIVE_STATUS, sendError } from './errors.js';
import { installIdempotencyKeys } from './idempotency-keys.js';
import { installInputGuard } from './input-guard.js';
import { mlflowApi } from './mlflow/mlflow-api.js';
import { accessLogRoutes } from './native/access/access-log-routes.js';
import { authRoutes } from './native/access/auth-routes.js';
import { effectiveRoleRoute } from './native/access/effective-role-route.js';
import { permissionRoutes } from './native/access/permission-routes.js';
import { ssoRoutes } from './native/access/sso-routes.js';
import { tokenRoutes } from './native/access/token-routes.js';
import { userRoutes } from './native/access/user-routes.js';
import { artifactRoutes } from './native/artifact-routes.js';
import { commentRoutes } from './native/collaboration/comment-routes.js';
import { milestoneRoutes } from './native/collaboration/milestone-routes.js';
import { ownerRoutes } from './native/collaboration/owner-routes.js';
import { reportRoutes } from './native/collaboration/report-routes.js';
import { dashboardRoutes } from './native/dashboard-routes.js';
import { dependencyRoutes } from './native/dependencies/dependency-routes.js';
import { packageImpactRoutes } from './native/dependencies/package-impact-routes.js';
import { encryptionRoutes } from './native/encryption-routes.js';
import { experimentRoutes } from './native/experiment-routes.js';
import { lineageRoutes } from './native/lineage/lineage-routes.js';
import { loggedModelRoutes } from './native/logged-model-routes.js';
import { notificationRoutes } from './native/notifications/notification-routes.js';
import { provenanceRoutes } from './native/provenance/provenance-routes.js';
import { registryRoutes } from './native/registry/registry-routes.js';
import { runDiffRoutes } from './native/run-diff-routes.js';
import { runRequirementRoutes } from './native/run-requirement-routes.js';
import { runRoutes } from './native/run-routes.js';
import { savedSearchRoutes } from './native/saved-search-routes.js';
import { searchRoutes } from './native/search-routes.js';
import { suggestionRoutes } from './native/suggestion-routes.js';
import { uiSupportRoutes } from './native/ui-support-routes.js';
import { registerOpenApi } from './openapi.js';
import { operationalRoutes } from './operational-routes.js';
import { installRequestOriginGuard } from './request-origin-guard.js';
import { recordRoutes } from './route-table.js';
import { VERSION } from './version.js';
import { registerWebUi } from './web-ui.js';

export interface AppOptions {
  services: Services;
  logger?: boolean;
  /** Host names the server answers (default: loopback names only). */
  allowedHosts?: HostAllowList;
  connectionLimits?: Partial<ConnectionLimits>;
  /** Who may call the server; without it every request may do everything, as `anonymous`. */
  auth?: AuthOptions;
  /** Requests per minute per caller (per token when authenticated, else per address); 0 turns the limit off. */
  requestsPerMinute?: number;
  /** Prometheus metrics only for authenticated callers (with auth on). */
  protectMetrics?: boolean;
  /** PEM certificate chain and key: the server speaks HTTPS itself instead of plain HTTP. */
  tls?: { cert: string; key: string };
}

export interface AuthOptions {
  enabled: boolean;
  /** Verifies SSO JWTs sent as Bearer tokens; present when an OIDC issuer is configured. */
  verifyJwt?: AccessControlOptions['verifyJwt'];
  /** Served over HTTPS: session cookies are then `Secure`. */
  secureCookies?: boolean;
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const limits = { ...DEFAULT_CONNECTION_LIMITS, ...options.connectionLimits };
  const app = Fastify({
    logger: options.logger ?? false,
    // Node checks its timeouts every connectionsCheckingInterval (30 s by default): every second instead, so a
    // 20-second header limit means about 20 seconds.
    serverFactory: (handler) => {
      const timeouts = {
        headersTimeout: limits.headersTimeoutMs,
        requestTimeout: limits.requestTimeoutMs,
        keepAliveTimeout: limits.keepAliveTimeoutMs,
        connectionsCheckingInterval: Math.min(1_000, limits.headersTimeoutMs),
      };
      const server = options.tls
        ? createHttpsServer({ ...timeouts, cert: options.tls.cert, key: options.tls.key }, handler)
        : createServer(timeouts, handler);
      server.maxConnections = limits.maxConnections;
      return server;
    },
    // The id the audit log records is the server's own: a client could otherwise give many writes one id, or
    // borrow another request's. A client's own id is echoed and logged beside it for correlation.
    genReqId: () => randomUUID(),
    ajv: {
      // Bodies are taken as sent: no type coercion, no silently dropped fields; unknown fields are refused.
      customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: true, allErrors: false },
    },
    bodyLimit: 1024 * 1024,
    // Errors the router raises before any route runs (a URL that does not decode, an over-long parameter) get the
    // same {error_code, message} shape as every other refusal.
    frameworkErrors: (error, _request, reply) => {
      sendError(reply, 400, 'INVALID_PARAMETER_VALUE', `Malformed request: ${error.message}`);
    },
    // And so do requests Node's HTTP parser refuses before there is a request at all.
    clientErrorHandler: replyToClientError,
  });

  // Artifact uploads and other non-JSON bodies arrive as streams; routes that expect JSON reject them by schema.
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));

  recordRoutes(app);
  installRequestOriginGuard(app, options.allowedHosts ?? hostAllowList('127.0.0.1', undefined));
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    const given = request.headers['x-request-id'];
    if (typeof given === 'string' && /^[\w.-]{1,128}$/.test(given)) {
      reply.header('x-client-request-id', given);
      request.log = request.log.child({ clientRequestId: given });
    }
    runWithContext({ actor: 'anonymous', requestId: request.id }, done);
  });

  // The native API's statuses everywhere; the MLflow adapter's scopes install MLflow's (see mlflow-api.ts).
  installErrorHandling(app, NATIVE_STATUS);
  installNotFound(app);
  installInputGuard(app);
  const auth = options.auth ?? { enabled: false };
  await installAccessControl(app, { enabled: auth.enabled, verifyJwt: auth.verifyJwt, ...options.services.access });
  await installRateLimits(app, options.requestsPerMinute ?? (auth.enabled ? DEFAULT_REQUESTS_PER_MINUTE : 0));
  // Before compression: answers are recorded for replay as the handler wrote them.
  installIdempotencyKeys(app, options.services.idempotency);
  await registerCompression(app);
  await registerOpenApi(app, VERSION);

  const { services } = options;
  await app.register(operationalRoutes, { services, protectMetrics: options.protectMetrics ?? false });
  await registerWebUi(app);
  await app.register(
    async (v1) => {
      await v1.register(experimentRoutes, { services });
      await v1.register(runRoutes, { services });
      await v1.register(runDiffRoutes, { services });
      await v1.register(runRequirementRoutes, { services });
      await v1.register(loggedModelRoutes, { services });
      await v1.register(artifactRoutes, { services });
      await v1.register(lineageRoutes, { services });
      await v1.register(dependencyRoutes, { services });
      await v1.register(packageImpactRoutes, { services });
      await v1.register(uiSupportRoutes, { services });
      await v1.register(dashboardRoutes, { services });
      await v1.register(searchRoutes, { services });
      await v1.register(savedSearchRoutes, { services });
      await v1.register(suggestionRoutes, { services });
      await v1.register(registryRoutes, { services });
      await v1.register(provenanceRoutes, { services });
      await v1.register(authRoutes, {
        services,
        authEnabled: auth.enabled,
        ssoEnabled: auth.verifyJwt !== undefined,
        secureCookies: auth.secureCookies ?? false,
      });
      await v1.register(ssoRoutes, {
        services,
        authEnabled: auth.enabled,
        secureCookies: auth.secureCookies ?? false,
      });
      await v1.register(userRoutes, { services });
      await v1.register(tokenRoutes, { services });
      await v1.register(permissionRoutes, { services });
      await v1.register(effectiveRoleRoute, { services });
      await v1.register(accessLogRoutes, { services });
      await v1.register(encryptionRoutes, { services });
      await v1.register(notificationRoutes, { services });
      await v1.register(commentRoutes, { services });
      await v1.register(milestoneRoutes, { services });
      await v1.register(ownerRoutes, { services });
      await v1.register(reportRoutes, { services });
      v1.get('/openapi.json', { config: access(PUBLIC), schema: { hide: true } }, async () => app.swagger());
    },
    { prefix: '/api/v1' },
  );
  await mlflowApi(app, services);
  return app;
}
