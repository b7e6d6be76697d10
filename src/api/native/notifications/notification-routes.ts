import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { invalid } from '../../../domain/errors.js';
import type { Notification } from '../../../domain/notifications/notification.js';
import type { Services } from '../../../services/services.js';
import { access, SIGNED_IN } from '../../access/route-access.js';

const tags = ['notifications'];

const NotificationJson = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  subject: Type.String(),
  body: Type.String(),
  link: Type.Union([Type.String(), Type.Null()]),
  resource: Type.Union([
    Type.Object({ kind: Type.String(), name: Type.String(), version: Type.Optional(Type.Integer()) }),
    Type.Null(),
  ]),
  createdAt: Type.Integer({ description: 'epoch ms' }),
  readAt: Type.Union([Type.Integer({ description: 'epoch ms' }), Type.Null()]),
});

const ListQuery = Type.Object(
  {
    unread: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')])),
    maxResults: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}$' })),
    pageToken: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);
type ListQueryType = { unread?: 'true' | 'false'; maxResults?: string; pageToken?: string };

const MarkReadBody = Type.Object(
  {
    ids: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 1000 })),
    all: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
type MarkReadBodyType = { ids?: string[]; all?: boolean };

const present = (n: Notification) => ({
  id: n.notificationId,
  kind: n.kind,
  subject: n.subject,
  body: n.body,
  link: n.link,
  resource: n.resource ?? null,
  createdAt: n.creationTime,
  readAt: n.readTime,
});

/**
 * The caller's own inbox: what awaits their approval, decisions on their requests, failed policies, versions to
 * revalidate. Nobody reads another's inbox, administrators included.
 */
export async function notificationRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const notifications = services.notifications;

  app.get<{ Querystring: ListQueryType }>(
    '/notifications',
    {
      config: access(SIGNED_IN),
      schema: {
        tags,
        summary: "The caller's notifications, newest first, with the number unread",
        querystring: ListQuery,
        response: {
          200: Type.Object({
            notifications: Type.Array(NotificationJson),
            unreadCount: Type.Integer(),
            nextPageToken: Type.Optional(Type.String()),
          }),
        },
      },
    },
    async (request) => {
      const result = await notifications.inbox(request.principal!.id, {
        unreadOnly: request.query.unread === 'true',
        maxResults: request.query.maxResults === undefined ? undefined : Number(request.query.maxResults),
        pageToken: request.query.pageToken,
      });
      return {
        notifications: result.notifications.map(present),
        unreadCount: result.unreadCount,
        ...(result.nextPageToken ? { nextPageToken: result.nextPageToken } : {}),
      };
    },
  );

  app.get(
    '/notifications/unread-count',
    {
      config: access(SIGNED_IN),
      schema: {
        tags,
        summary: "How many of the caller's notifications are unread (the UI's bell)",
        response: { 200: Type.Object({ unreadCount: Type.Integer() }) },
      },
    },
    async (request) => ({ unreadCount: await notifications.unreadCount(request.principal!.id) }),
  );

  app.post<{ Body: MarkReadBodyType }>(
    '/notifications/mark-read',
    {
      config: access(SIGNED_IN),
      schema: {
        tags,
        summary: 'Marks the given notifications (or all, with `all: true`) read',
        body: MarkReadBody,
        response: { 200: Type.Object({ marked: Type.Integer(), unreadCount: Type.Integer() }) },
      },
    },
    async (request) => {
      const { ids, all } = request.body;
      if ((ids === undefined) === (all !== true)) throw invalid('Give either ids or all: true');
      const recipient = request.principal!.id;
      const marked = await notifications.markRead(recipient, all === true ? 'all' : ids!);
      return { marked, unreadCount: await notifications.unreadCount(recipient) };
    },
  );
}
