import fastifyCookie from '@fastify/cookie';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { describeResource, type ProtectedResource } from '../../domain/access/access-decision.js';
import { OPEN_ACCESS_PRINCIPAL, type Principal } from '../../domain/access/principal.js';
import type { ReadableSet } from '../../domain/access/readable-set.js';
import { MnemoError } from '../../domain/errors.js';
import { LEGAL_HOLD_TAG, namesLegalHold } from '../../domain/retention/legal-hold.js';
import type { AccessLog } from '../../services/access/access-log.js';
import type { AccessPolicy } from '../../services/access/access-policy.js';
import type { Authentication, Authenticator } from '../../services/access/authenticator.js';
import type { DenialRecorder, DeniedAttempt } from '../../services/access/denial-recorder.js';
import { identifyCaller } from '../../services/request-context.js';
import { CSRF_HEADER, credentialsOf } from './credentials-of.js';
import type { RouteAccess } from './route-access.js';

export interface AccessControlOptions {
  /** False: every request may do everything, as `anonymous` (a server on loopback for one person). */
  enabled: boolean;
  authenticator: Authenticator;
  policy: AccessPolicy;
  denials: DenialRecorder;
  accessLog: AccessLog;
  /** Verifies a Bearer value that is not a Mnemo token (an SSO provider's JWT); absent when SSO is not configured. */
  verifyJwt?: (jwt: string) => Promise<Authentication>;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Who sent the request; undefined only on public routes called without credentials. */
    principal?: Principal;
    /** The CSRF token of the browser session the request came with. */
    sessionCsrfToken?: string;
    /** What the access check found the request addresses (`experiment 3`), for the access log. */
    accessedResource?: string;
    /** Which experiments or registered models lists may show the caller. */
    readable(kind: 'experiment' | 'model' | 'dataset'): Promise<ReadableSet>;
  }
}

/** Three base64url parts: an SSO provider's JWT, never a Mnemo token. */
const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]*$/;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const CHALLENGE = 'Bearer realm="mnemo", Basic realm="mnemo", charset="UTF-8"';

/**
 * The one place requests are let in or turned away. Every route must declare its access (`config.access`, see
 * route-access.ts): registering one that does not fails at start-up, so no route is ever left open by omission.
 * Authentication runs when the request arrives, before its body is read; the access check runs once the body is
 * parsed and validated (a run id in an MLflow body locates the experiment) and before the handler, so nothing a
 * refused request carried is stored.
 */
export async function installAccessControl(app: FastifyInstance, options: AccessControlOptions): Promise<void> {
  await app.register(fastifyCookie);
  app.addHook('onRoute', (route) => {
    if (!route.config?.access) {
      throw new Error(`Route ${[route.method].flat().join(',')} ${route.url} declares no access (config.access)`);
    }
  });
  app.decorateRequest('principal', undefined);
  app.decorateRequest('sessionCsrfToken', undefined);
  app.decorateRequest('accessedResource', undefined);
  app.decorateRequest('readable', async function (this: FastifyRequest, kind: 'experiment' | 'model' | 'dataset') {
    if (!options.enabled || !this.principal) return { kind: 'all' } as const;
    return options.policy.readable(this.principal, kind);
  });

  if (!options.enabled) {
    app.addHook('onRequest', async (request) => {
      request.principal = OPEN_ACCESS_PRINCIPAL;
    });
    return;
  }

  const refuse = async (
    request: FastifyRequest,
    attempt: Omit<DeniedAttempt, 'method' | 'route' | 'sourceAddress' | 'time'>,
  ) => {
    await options.denials.record(request.id, {
      ...attempt,
      method: request.method,
      route: request.routeOptions.url ?? request.url.split('?')[0] ?? '',
      sourceAddress: request.ip,
      time: Date.now(),
    });
  };

  app.addHook('onRequest', async (request, reply) => {
    const declared = request.routeOptions.config?.access;
    // No route matched: the 404 handler answers, and says nothing about what exists.
    if (!declared) return;
    const offered = credentialsOf(request);
    if (offered.kind === 'none') {
      if (declared.kind === 'public') return;
      reply.header('www-authenticate', CHALLENGE);
      throw new MnemoError(
        'UNAUTHENTICATED',
        'Authentication required: send a token (Authorization: Bearer …, e.g. MLFLOW_TRACKING_TOKEN or MNEMO_TRACKING_TOKEN) or a user name and password',
      );
    }
    let result: Authentication & { csrfToken?: string };
    if (offered.kind === 'malformed') result = { ok: false, reason: offered.reason };
    else if (offered.kind === 'basic') result = await options.authenticator.byPassword(offered.name, offered.password);
    else if (offered.kind === 'session') result = await options.authenticator.bySession(offered.sessionId);
    else if (options.verifyJwt && JWT_SHAPE.test(offered.token)) result = await options.verifyJwt(offered.token);
    else result = await options.authenticator.byToken(offered.token);

    if (!result.ok) {
      // A stale cookie on a public page (the sign-in page itself) is no reason to refuse it.
      if (declared.kind === 'public' && offered.kind === 'session') return;
      await refuse(request, { reason: result.reason, status: 401 });
      reply.header('www-authenticate', CHALLENGE);
      throw new MnemoError('UNAUTHENTICATED', `Authentication failed: ${result.reason}`);
    }
    request.principal = result.principal;
    identifyCaller(result.principal.name, result.principal.id);
    if (offered.kind === 'session') {
      request.sessionCsrfToken = result.csrfToken;
      // A cookie rides along with any request the browser makes, including one a hostile page triggers: writes must
      // also carry the token only this origin's pages can read.
      if (!SAFE_METHODS.has(request.method) && request.headers[CSRF_HEADER] !== result.csrfToken) {
        await refuse(request, { principal: result.principal.name, reason: 'missing or wrong CSRF token', status: 403 });
        throw new MnemoError('PERMISSION_DENIED', `Cookie-authenticated writes must send the ${CSRF_HEADER} header`);
      }
    }
  });

  countReads(app, options.accessLog);
  app.addHook('preValidation', async (request) => {
    const declared = request.routeOptions.config?.access;
    const principal = request.principal;
    if (!declared || declared.kind === 'public' || !principal) return;
    const denial =
      (await check(declared, principal, request, options.policy)) ??
      (await checkLegalHold(principal, request, options.policy));
    if (denial) {
      await refuse(request, {
        principal: principal.name,
        tokenId: principal.tokenId,
        resource: denial.resource,
        reason: denial.reason,
        status: 403,
      });
      throw new MnemoError('PERMISSION_DENIED', `Permission denied: ${denial.reason}`);
    }
  });
}

/** Successful reads go to the access log: who read what, counted per hour. */
function countReads(app: FastifyInstance, accessLog: AccessLog): void {
  app.addHook('onResponse', async (request, reply) => {
    const principal = request.principal;
    const declared = request.routeOptions.config?.access;
    if (!principal || !declared || declared.kind === 'public' || reply.statusCode >= 400) return;
    const read =
      request.method === 'GET' ||
      request.method === 'HEAD' ||
      (declared.kind === 'resource' && declared.need === 'read');
    if (!read) return;
    accessLog.count(principal.name, request.accessedResource ?? `${request.method} ${request.routeOptions.url}`);
  });
}

/** Whatever route a write comes by, placing or lifting a legal hold also needs an administrator. */
async function checkLegalHold(
  principal: Principal,
  request: FastifyRequest,
  policy: AccessPolicy,
): Promise<{ reason: string; resource?: string } | undefined> {
  if (SAFE_METHODS.has(request.method) || !namesLegalHold([request.body, request.query, request.params])) return;
  const denial = await check({ kind: 'admin' }, principal, request, policy);
  return (
    denial && {
      reason: `placing or lifting a legal hold (tag ${LEGAL_HOLD_TAG}) needs an administrator: ${denial.reason}`,
    }
  );
}

async function check(
  declared: Exclude<RouteAccess, { kind: 'public' }>,
  principal: Principal,
  request: FastifyRequest,
  policy: AccessPolicy,
): Promise<{ reason: string; resource?: string } | undefined> {
  const readOnlyToken = principal.scope === 'read';
  switch (declared.kind) {
    case 'signedIn':
      return declared.write && readOnlyToken ? { reason: "the token's scope 'read' does not allow writes" } : undefined;
    case 'admin':
      if (!principal.isAdmin) return { reason: `'${principal.name}' is not an administrator` };
      return principal.scope === null || principal.scope === 'admin'
        ? undefined
        : { reason: `the token's scope '${principal.scope}' does not allow administration` };
    case 'selfOrAdmin': {
      const named = (await declared.user(request)) ?? principal.name;
      if (named !== principal.name) return check({ kind: 'admin' }, principal, request, policy);
      return declared.write && readOnlyToken ? { reason: "the token's scope 'read' does not allow writes" } : undefined;
    }
    case 'resource': {
      const located = await declared.locate(request, policy);
      if (located === 'missing') return undefined;
      for (const resource of Array.isArray(located) ? located : [located as ProtectedResource]) {
        const decision = await policy.decide(principal, declared.need, resource);
        if (!decision.allowed) return { reason: decision.reason, resource: describeResource(resource) };
        request.accessedResource = describeResource(resource);
      }
      return undefined;
    }
    case 'allOf':
      for (const part of declared.parts) {
        if (part.kind === 'public') continue;
        const denial = await check(part, principal, request, policy);
        if (denial) return denial;
      }
      return undefined;
  }
}
