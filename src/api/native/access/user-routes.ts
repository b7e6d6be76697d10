import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../../services/services.js';
import { ADMIN, access, SIGNED_IN } from '../../access/route-access.js';
import { CreateUserBody, TeamJson, UserJson } from './access-schemas.js';

const tags = ['access'];
const NameParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false });

interface CreateUser {
  name: string;
  kind?: 'user' | 'service';
  email?: string;
  displayName?: string;
  password?: string;
  admin?: boolean;
  teams?: string[];
}

/** Users, service accounts and teams: administrators manage them; anyone signed in may see the teams. */
export async function userRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const users = services.access.users;

  app.post<{ Body: CreateUser }>(
    '/users',
    {
      config: access(ADMIN),
      schema: {
        tags,
        summary: 'Create a user or service account',
        body: CreateUserBody,
        response: { 200: Type.Object({ user: UserJson }) },
      },
    },
    async (request) => ({ user: await users.create(request.body) }),
  );

  app.get(
    '/users',
    {
      config: access(ADMIN),
      schema: {
        tags,
        summary: 'Every user and service account',
        response: { 200: Type.Object({ users: Type.Array(UserJson) }) },
      },
    },
    async () => ({ users: await users.list() }),
  );

  for (const [verb, active] of [
    ['deactivate', false],
    ['activate', true],
  ] as const) {
    app.post<{ Params: { name: string } }>(
      `/users/:name/${verb}`,
      {
        config: access(ADMIN),
        schema: {
          tags,
          summary: active
            ? 'Let a deactivated user sign in again'
            : 'Stop a user signing in; its tokens and sessions stop working',
          params: NameParams,
          response: { 200: Type.Object({ user: UserJson }) },
        },
      },
      async (request) => ({ user: await users.setActive(request.params.name, active) }),
    );
  }

  app.post<{ Body: { name: string } }>(
    '/teams',
    {
      config: access(ADMIN),
      schema: {
        tags,
        summary: 'Create a team',
        body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ team: TeamJson }) },
      },
    },
    async (request) => ({ team: await users.createTeam(request.body.name) }),
  );

  app.get(
    '/teams',
    {
      config: access(SIGNED_IN),
      schema: {
        tags,
        summary: 'Every team and its members',
        response: { 200: Type.Object({ teams: Type.Array(TeamJson) }) },
      },
    },
    async () => ({ teams: await users.listTeams() }),
  );

  app.post<{ Params: { name: string }; Body: { user: string; maintainer?: boolean } }>(
    '/teams/:name/members',
    {
      config: access(ADMIN),
      schema: {
        tags,
        summary: 'Add a user to a team (or change whether it maintains the team)',
        params: NameParams,
        body: Type.Object(
          { user: Type.String({ minLength: 1, maxLength: 64 }), maintainer: Type.Optional(Type.Boolean()) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ team: TeamJson }) },
      },
    },
    async (request) => ({
      team: await users.addMember(request.params.name, request.body.user, request.body.maintainer ?? false),
    }),
  );

  app.delete<{ Params: { name: string; user: string } }>(
    '/teams/:name/members/:user',
    {
      config: access(ADMIN),
      schema: {
        tags,
        summary: 'Remove a user from a team',
        params: Type.Object(
          { name: Type.String({ minLength: 1, maxLength: 64 }), user: Type.String({ minLength: 1, maxLength: 64 }) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ team: TeamJson }) },
      },
    },
    async (request) => ({ team: await users.removeMember(request.params.name, request.params.user) }),
  );
}
