import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../../services/services.js';
import { ADMIN, access } from '../../access/route-access.js';

const tags = ['access'];
const EntryJson = Type.Object({
  principal: Type.String(),
  resource: Type.String(),
  hour: Type.Integer({ description: 'start of the hour, epoch ms' }),
  requests: Type.Integer(),
});
const Query = Type.Object(
  {
    principal: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    from: Type.Optional(Type.String({ pattern: '^[0-9]{1,15}$', description: 'epoch ms' })),
    to: Type.Optional(Type.String({ pattern: '^[0-9]{1,15}$', description: 'epoch ms' })),
    maxResults: Type.Optional(Type.String({ pattern: '^[0-9]{1,5}$' })),
    pageToken: Type.Optional(Type.String({ pattern: '^[0-9]{1,9}$' })),
  },
  { additionalProperties: false },
);
type AccessLogQuery = { principal?: string; from?: string; to?: string; maxResults?: string; pageToken?: string };

const MAX_PAGE = 10_000;
const EXPORT_PAGE = 5_000;

/** The access log for administrators: successful reads per principal, resource and hour; as JSON or JSON Lines. */
export async function accessLogRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const log = services.access.accessLog;
  const filters = (q: AccessLogQuery) => ({
    ...(q.principal !== undefined ? { principal: q.principal } : {}),
    ...(q.from !== undefined ? { from: Number(q.from) } : {}),
    ...(q.to !== undefined ? { to: Number(q.to) } : {}),
  });

  app.get<{ Querystring: AccessLogQuery }>(
    '/access-log',
    {
      config: access(ADMIN),
      schema: {
        tags,
        summary: 'Successful reads per principal, resource and hour',
        querystring: Query,
        response: { 200: Type.Object({ entries: Type.Array(EntryJson), nextPageToken: Type.Optional(Type.String()) }) },
      },
    },
    async (request) => {
      const limit = Math.min(Number(request.query.maxResults ?? 1000) || 1000, MAX_PAGE);
      const offset = Number(request.query.pageToken ?? 0);
      const entries = await log.read({ ...filters(request.query), limit: limit + 1, offset });
      return {
        entries: entries.slice(0, limit),
        ...(entries.length > limit ? { nextPageToken: String(offset + limit) } : {}),
      };
    },
  );

  app.get<{ Querystring: AccessLogQuery }>(
    '/access-log.jsonl',
    {
      config: access(ADMIN),
      schema: { tags, summary: 'The access log as JSON Lines, one entry per line', querystring: Query },
    },
    async (request, reply) => {
      const lines: string[] = [];
      for (let offset = 0; ; offset += EXPORT_PAGE) {
        const page = await log.read({ ...filters(request.query), limit: EXPORT_PAGE, offset });
        for (const entry of page) lines.push(`${JSON.stringify(entry)}\n`);
        if (page.length < EXPORT_PAGE) break;
      }
      return reply.type('application/x-ndjson').send(lines.join(''));
    },
  );
}
