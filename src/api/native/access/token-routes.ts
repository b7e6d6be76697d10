import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TokenScope } from '../../../domain/access/access-types.js';
import { parseLifetime } from '../../../domain/access/token-lifetime.js';
import { invalid, MnemoError } from '../../../domain/errors.js';
import type { Services } from '../../../services/services.js';
import type { RouteAccess } from '../../access/route-access.js';
import { CreateTokenBody, TokenJson } from './access-schemas.js';

const tags = ['access'];
const SCOPE_RANK: Record<TokenScope, number> = { read: 1, write: 2, admin: 3 };

/** API tokens: anyone may create, list and revoke its own; administrators those of anyone. */
export async function tokenRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const tokens = services.access.tokens;
  const ownerOf = async (tokenId: string) => {
    try {
      return (await tokens.get(tokenId)).user;
    } catch {
      // An unknown token: only an administrator learns that it does not exist.
      return '\0nobody';
    }
  };

  app.post<{ Body: { user?: string; name?: string; expiresIn?: string; scope?: TokenScope } }>(
    '/tokens',
    {
      config: {
        access: { kind: 'selfOrAdmin', user: (request) => (request.body as { user?: string }).user, write: true },
      },
      schema: {
        tags,
        summary: 'Create an API token; the answer is the only time the token is shown',
        body: CreateTokenBody,
        response: { 200: Type.Object({ token: Type.String(), info: TokenJson }) },
      },
    },
    async (request) => {
      const caller = request.principal;
      const expiresInMs = request.body.expiresIn === undefined ? undefined : parseLifetime(request.body.expiresIn);
      if (request.body.expiresIn !== undefined && expiresInMs === undefined) {
        throw invalid(`expiresIn '${request.body.expiresIn}' is not a lifetime such as 90m, 12h, 30d or 2w`);
      }
      // A token cannot mint a token that may do more than itself.
      const requested = request.body.scope;
      if (caller?.scope && (!requested || SCOPE_RANK[requested] > SCOPE_RANK[caller.scope])) {
        throw new MnemoError(
          'PERMISSION_DENIED',
          `A token of scope '${caller.scope}' can only create tokens of that scope or narrower`,
        );
      }
      const created = await tokens.create({
        user: request.body.user ?? caller?.name ?? 'anonymous',
        name: request.body.name,
        expiresInMs,
        scope: requested,
      });
      return { token: created.token, info: created.view };
    },
  );

  app.get<{ Querystring: { user?: string } }>(
    '/tokens',
    {
      config: { access: { kind: 'selfOrAdmin', user: (request) => (request.query as { user?: string }).user } },
      schema: {
        tags,
        summary: "A user's tokens (never the secrets)",
        querystring: Type.Object(
          { user: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ tokens: Type.Array(TokenJson) }) },
      },
    },
    async (request) => ({ tokens: await tokens.list(request.query.user ?? request.principal?.name) }),
  );

  const revokeAccess: RouteAccess = {
    kind: 'selfOrAdmin',
    user: (request) => ownerOf((request.params as { tokenId: string }).tokenId),
    write: true,
  };
  app.delete<{ Params: { tokenId: string } }>(
    '/tokens/:tokenId',
    {
      config: { access: revokeAccess },
      schema: {
        tags,
        summary: 'Revoke a token: every server sharing the database refuses it from now on',
        params: Type.Object({ tokenId: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ info: TokenJson }) },
      },
    },
    async (request) => ({ info: await tokens.revoke(request.params.tokenId) }),
  );
}
