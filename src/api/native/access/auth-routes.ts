import type { FastifyInstance, FastifyReply } from 'fastify';
import { MnemoError } from '../../../domain/errors.js';
import type { Services } from '../../../services/services.js';
import { SESSION_COOKIE } from '../../access/credentials-of.js';
import { access, PUBLIC, SIGNED_IN } from '../../access/route-access.js';
import { LoginBody, SessionJson } from './access-schemas.js';

export interface AuthRouteOptions {
  services: Services;
  authEnabled: boolean;
  ssoEnabled: boolean;
  /** Served over HTTPS: session cookies are then `Secure`. */
  secureCookies: boolean;
}

const tags = ['access'];

/** The session cookie, the same whichever way the user signed in. */
export function sendSessionCookie(reply: FastifyReply, value: string, maxAgeSeconds: number, secure: boolean) {
  return reply.setCookie(SESSION_COOKIE, value, {
    path: '/',
    httpOnly: true,
    sameSite: 'strict',
    secure,
    maxAge: maxAgeSeconds,
  });
}

/** Browser sign-in: a session cookie (HttpOnly, SameSite=Strict) and the CSRF token writes must echo. */
export async function authRoutes(app: FastifyInstance, options: AuthRouteOptions) {
  const { services } = options;
  const setSessionCookie = (reply: FastifyReply, value: string, maxAgeSeconds: number) =>
    sendSessionCookie(reply, value, maxAgeSeconds, options.secureCookies);

  app.get(
    '/auth/session',
    {
      config: access(PUBLIC),
      schema: {
        tags,
        summary: 'Whether the server checks who calls it, and who the caller is',
        response: { 200: SessionJson },
      },
    },
    async (request) => {
      const principal = options.authEnabled ? request.principal : undefined;
      const user = principal
        ? {
            name: principal.name,
            kind: principal.kind,
            isAdmin: principal.isAdmin,
            displayName: (await services.access.users.get(principal.name)).displayName,
          }
        : null;
      return {
        authEnabled: options.authEnabled,
        ssoEnabled: options.ssoEnabled,
        user,
        csrfToken: request.sessionCsrfToken ?? null,
      };
    },
  );

  app.post<{ Body: { username: string; password: string } }>(
    '/auth/login',
    {
      config: access(PUBLIC),
      schema: {
        tags,
        summary: 'Sign in with a user name and password',
        body: LoginBody,
        response: { 200: SessionJson },
      },
    },
    async (request, reply) => {
      if (!options.authEnabled)
        throw new MnemoError(
          'INVALID_STATE',
          'This server does not check who calls it: there is nothing to sign in to',
        );
      const result = await services.access.authenticator.byPassword(request.body.username, request.body.password);
      if (!result.ok || result.principal.via !== 'password') {
        const reason = result.ok ? 'a token is not a password' : result.reason;
        await services.access.denials.record(request.id, {
          principal: request.body.username,
          method: request.method,
          route: request.routeOptions.url ?? '/api/v1/auth/login',
          reason: `sign-in refused: ${reason}`,
          status: 401,
          sourceAddress: request.ip,
          time: Date.now(),
        });
        throw new MnemoError('UNAUTHENTICATED', 'The user name or password is wrong, or the account is deactivated');
      }
      const session = await services.access.sessions.start(result.principal.id);
      setSessionCookie(reply, session.sessionId, Math.floor((session.expiresTime - Date.now()) / 1000));
      const user = await services.access.users.get(result.principal.name);
      return {
        authEnabled: true,
        ssoEnabled: options.ssoEnabled,
        user: { name: user.name, kind: user.kind, isAdmin: user.isAdmin, displayName: user.displayName },
        csrfToken: session.csrfToken,
      };
    },
  );

  app.post(
    '/auth/logout',
    { config: access(SIGNED_IN), schema: { tags, summary: 'End the browser session' } },
    async (request, reply) => {
      const sessionId = request.cookies[SESSION_COOKIE];
      if (sessionId) await services.access.sessions.end(sessionId);
      setSessionCookie(reply, '', 0);
      return reply.status(204).send();
    },
  );
}
