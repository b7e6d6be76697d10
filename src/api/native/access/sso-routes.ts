import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { MnemoError } from '../../../domain/errors.js';
import { TokenRefused } from '../../../services/access/sso/identity-provider.js';
import { LOGIN_STATE_LIFETIME_MS } from '../../../services/access/sso/login-state.js';
import type { SsoService } from '../../../services/access/sso/sso-service.js';
import type { Services } from '../../../services/services.js';
import { access, PUBLIC } from '../../access/route-access.js';
import { sendSessionCookie } from './auth-routes.js';

export interface SsoRouteOptions {
  services: Services;
  authEnabled: boolean;
  secureCookies: boolean;
}

/** Holds a sign-in's sealed state between /sso/start and /sso/callback, and is sent to nowhere else. */
const LOGIN_STATE_COOKIE = 'mnemo_sso_login';
const COOKIE_PATH = '/api/v1/auth/sso';
const tags = ['access'];

const CallbackQuery = Type.Object({
  code: Type.Optional(Type.String({ maxLength: 4096 })),
  state: Type.Optional(Type.String({ maxLength: 512 })),
  iss: Type.Optional(Type.String({ maxLength: 2048 })),
  error: Type.Optional(Type.String({ maxLength: 256 })),
  error_description: Type.Optional(Type.String({ maxLength: 2048 })),
});
type CallbackQuery = { code?: string; state?: string; iss?: string; error?: string };

/** Browser sign-in through the OpenID Connect provider: the authorization-code flow with PKCE. */
export async function ssoRoutes(app: FastifyInstance, options: SsoRouteOptions) {
  const { services } = options;
  const ssoOf = (): SsoService => {
    const sso = options.authEnabled ? services.access.sso : undefined;
    if (!sso) throw new MnemoError('INVALID_STATE', 'Single sign-on is not configured on this server (--oidc-issuer)');
    return sso;
  };
  const origin = (request: FastifyRequest) => `${request.protocol}://${request.host}`;

  app.get<{ Querystring: { next?: string } }>(
    '/auth/sso/start',
    {
      config: access(PUBLIC),
      schema: {
        tags,
        summary: "Sign in through the organisation's identity provider (redirects there, then back to `next`)",
        querystring: Type.Object(
          { next: Type.Optional(Type.String({ maxLength: 2000, description: 'A page of this site to land on' })) },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      let started: { location: string; sealedState: string };
      try {
        started = await ssoOf().startLogin(origin(request), request.query.next);
      } catch (error) {
        if (error instanceof TokenRefused) throw new MnemoError('INVALID_STATE', `Cannot sign in: ${error.message}`);
        throw error;
      }
      // Lax, not Strict: the provider sends the browser back from another site, and the cookie must come along.
      reply.setCookie(LOGIN_STATE_COOKIE, started.sealedState, {
        path: COOKIE_PATH,
        httpOnly: true,
        sameSite: 'lax',
        secure: options.secureCookies,
        maxAge: LOGIN_STATE_LIFETIME_MS / 1000,
      });
      return reply.redirect(started.location, 302);
    },
  );

  app.get<{ Querystring: CallbackQuery }>(
    '/auth/sso/callback',
    {
      config: access(PUBLIC),
      schema: {
        tags,
        summary: 'Where the identity provider sends the browser back; starts a session and redirects to the UI',
        querystring: CallbackQuery,
      },
    },
    async (request, reply) => {
      const sso = ssoOf();
      const result = await sso.finishLogin(origin(request), request.cookies[LOGIN_STATE_COOKIE], request.query);
      // Used once, successful or not.
      reply.clearCookie(LOGIN_STATE_COOKIE, { path: COOKIE_PATH });
      if (!result.ok) {
        await services.access.denials.record(request.id, {
          method: request.method,
          route: request.routeOptions.url ?? '/api/v1/auth/sso/callback',
          reason: `single sign-on refused: ${result.reason}`,
          status: 401,
          sourceAddress: request.ip,
          time: Date.now(),
        });
        throw new MnemoError('UNAUTHENTICATED', `Single sign-on failed: ${result.reason}`);
      }
      const session = await services.access.sessions.start(result.principal.id);
      sendSessionCookie(
        reply,
        session.sessionId,
        Math.floor((session.expiresTime - Date.now()) / 1000),
        options.secureCookies,
      );
      return reply.redirect(result.next ?? '/', 302);
    },
  );
}
