import { type Static, Type } from '@sinclair/typebox';
import type { SavedSearch } from '../../domain/search/saved-search.js';
import type { Services } from '../../services/services.js';
import { access, type RouteAccess, SIGNED_IN, SIGNED_IN_WRITER } from '../access/route-access.js';
import type { TypedApp } from '../typed-app.js';

const tags = ['search'];

const SavedSearchJson = Type.Object({
  id: Type.String(),
  name: Type.String(),
  q: Type.String(),
  types: Type.Array(Type.String()),
  facets: Type.Array(Type.String()),
  createdAt: Type.Integer({ description: 'epoch ms' }),
  /** The UI path that opens it: the link to share. */
  path: Type.String(),
});

const SaveBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    q: Type.Optional(Type.String({ maxLength: 2000 })),
    types: Type.Optional(Type.Array(Type.String({ maxLength: 40 }), { maxItems: 20 })),
    facets: Type.Optional(Type.Array(Type.String({ maxLength: 500 }), { maxItems: 50 })),
  },
  { additionalProperties: false },
);

const IdParams = Type.Object(
  { savedSearchId: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);

const Subscription = Type.Object({ subscribed: Type.Boolean() });

const present = (s: SavedSearch) => ({
  id: s.savedSearchId,
  name: s.name,
  q: s.q,
  types: s.types,
  facets: s.facets,
  createdAt: s.creationTime,
  path: `/searches/${encodeURIComponent(s.savedSearchId)}`,
});

/**
 * Saved searches: anyone signed in saves their own; anyone given the link opens one (it holds the question, not the
 * answers, which each reader gets as their permissions allow); its owner or an administrator deletes it.
 */
export async function savedSearchRoutes(app: TypedApp, { services }: { services: Services }) {
  const saved = services.savedSearches;

  app.post(
    '/saved-searches',
    {
      config: access(SIGNED_IN_WRITER),
      schema: {
        tags,
        summary: 'Saves a search (words, types and facets) under a name, to share by its link',
        description:
          'Types and facets are checked as a search checks them: one that does not parse is a 400 naming it.',
        body: SaveBody,
        response: { 200: Type.Object({ savedSearch: SavedSearchJson }) },
      },
    },
    async (request) => {
      const body = request.body as Static<typeof SaveBody>;
      const created = await saved.create(request.principal!.id, {
        name: body.name,
        q: body.q ?? '',
        types: body.types ?? [],
        facets: body.facets ?? [],
      });
      return { savedSearch: present(created) };
    },
  );

  app.get(
    '/saved-searches',
    {
      config: access(SIGNED_IN),
      schema: {
        tags,
        summary: "The caller's saved searches, newest first",
        response: { 200: Type.Object({ savedSearches: Type.Array(SavedSearchJson) }) },
      },
    },
    async (request) => ({ savedSearches: (await saved.listOwn(request.principal!.id)).map(present) }),
  );

  app.get(
    '/saved-searches/:savedSearchId',
    {
      config: access(SIGNED_IN),
      schema: {
        tags,
        summary: 'A saved search, by the id its link carries',
        params: IdParams,
        response: { 200: Type.Object({ savedSearch: SavedSearchJson }) },
      },
    },
    async (request) => {
      const { savedSearchId } = request.params as Static<typeof IdParams>;
      return { savedSearch: present(await saved.get(savedSearchId)) };
    },
  );

  app.get(
    '/saved-searches/:savedSearchId/subscription',
    {
      config: access(SIGNED_IN),
      schema: {
        tags,
        summary: 'Whether the caller is told of new results of a saved search',
        params: IdParams,
        response: { 200: Subscription },
      },
    },
    async (request) => {
      const { savedSearchId } = request.params as Static<typeof IdParams>;
      await saved.get(savedSearchId);
      return { subscribed: await saved.isSubscribed(savedSearchId, request.principal!.id) };
    },
  );

  app.put(
    '/saved-searches/:savedSearchId/subscription',
    {
      config: access(SIGNED_IN),
      schema: {
        tags,
        summary: 'Subscribes the caller to a saved search: new results they may read are announced in their inbox',
        description:
          'And to the webhooks they own that subscribe to SAVED_SEARCH.NEW_RESULTS. New results are entities created ' +
          'after the subscription that match the search when it is checked (shortly after each write).',
        params: IdParams,
        response: { 200: Subscription },
      },
    },
    async (request) => {
      await saved.subscribe((request.params as Static<typeof IdParams>).savedSearchId, request.principal!.id);
      return { subscribed: true };
    },
  );

  app.delete(
    '/saved-searches/:savedSearchId/subscription',
    {
      config: access(SIGNED_IN),
      schema: {
        tags,
        summary: "Ends the caller's subscription to a saved search",
        params: IdParams,
        response: { 200: Subscription },
      },
    },
    async (request) => {
      await saved.unsubscribe((request.params as Static<typeof IdParams>).savedSearchId, request.principal!.id);
      return { subscribed: false };
    },
  );

  const ownerOrAdmin: RouteAccess = {
    kind: 'selfOrAdmin',
    user: (request) => saved.ownerName((request.params as { savedSearchId: string }).savedSearchId),
    write: true,
  };
  app.delete(
    '/saved-searches/:savedSearchId',
    {
      config: access(ownerOrAdmin),
      schema: {
        tags,
        summary: 'Deletes a saved search (its owner or an administrator); its link stops working',
        params: IdParams,
        response: { 200: Type.Object({}) },
      },
    },
    async (request) => {
      await saved.delete((request.params as Static<typeof IdParams>).savedSearchId);
      return {};
    },
  );
}
