import { type Static, Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { usageTeamKeys } from '../../domain/search/usage-retention.js';
import type { DiscoveryVisibility } from '../../services/search/discovery-service.js';
import type { Services } from '../../services/services.js';
import { access, SIGNED_IN } from '../access/route-access.js';
import type { TypedApp } from '../typed-app.js';
import { CompletionsJson, SearchResultsJson, UsagePreferenceJson } from './search-schemas.js';

const tags = ['search'];

/** A parameter given once or repeated (`type=model&type=run`) arrives as a string or an array. */
const Repeated = (maxLength: number) =>
  Type.Union([Type.String({ maxLength }), Type.Array(Type.String({ maxLength }), { maxItems: 50 })]);

const SearchQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 10_000 })),
    type: Type.Optional(Repeated(40)),
    facet: Type.Optional(Repeated(500)),
    pageToken: Type.Optional(Type.String({ maxLength: 200 })),
    maxResults: Type.Optional(Type.String({ pattern: '^[0-9]{1,3}$' })),
  },
  { additionalProperties: false },
);

const CompletionQuery = Type.Object(
  {
    prefix: Type.String({ maxLength: 10_000 }),
    kind: Type.Optional(Repeated(40)),
    limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,2}$' })),
  },
  { additionalProperties: false },
);

const OpenBody = Type.Object(
  {
    q: Type.String({ maxLength: 10_000, description: 'The query the result was found with (may be empty)' }),
    type: Type.String({ maxLength: 40 }),
    id: Type.String({ minLength: 1, maxLength: 400 }),
  },
  { additionalProperties: false },
);

const list = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/**
 * Discovery: any signed-in caller may search, and sees only what it may read (experiments, registered models and
 * datasets it holds no read on are left out inside the queries, counts included).
 */
export async function searchRoutes(app: TypedApp, { services }: { services: Services }) {
  const visibility = async (request: FastifyRequest): Promise<DiscoveryVisibility> => {
    const [experiments, models, datasets] = await Promise.all([
      request.readable('experiment'),
      request.readable('model'),
      request.readable('dataset'),
    ]);
    return { experiments, models, datasets };
  };

  app.get(
    '/search',
    {
      config: access(SIGNED_IN),
      schema: {
        tags,
        summary: 'Search models, versions, experiments, runs, datasets, features and deployments',
        description:
          'Words in `q` are matched as word prefixes in names, descriptions, model cards, release notes, tags, param ' +
          'and metric keys, owners and teams; punctuation and operators are ordinary text. Results are ranked ' +
          '(exact name, then relevance boosted for Production and recent changes), highlighted, grouped by type and ' +
          'paged; an empty `q` lists by recency. `facet` narrows (repeat it): `stage=Production`, `alias=champion`, ' +
          '`team=risk`, `owner=…`, `framework=…`, `task_type=…`, `algorithm_family=…`, `regulatory_flag=…`, ' +
          '`dataset=<name>`, `feature=<name>`, `tag_key=<key>`, `tag.<key>=<value>`, `created=<from>..<to>`, ' +
          '`updated=…` (dates or epoch ms), `metric.<key>=<min>..<max>`, `latency_budget_ms=<min>..<max>`.',
        querystring: SearchQuery,
        response: { 200: SearchResultsJson },
      },
    },
    async (request) => {
      const query = request.query as Static<typeof SearchQuery>;
      return services.discovery.search({
        q: query.q,
        types: list(query.type),
        facets: list(query.facet),
        pageToken: query.pageToken,
        maxResults: query.maxResults === undefined ? undefined : Number(query.maxResults),
        visible: await visibility(request),
        usageTeamKeys: usageTeamKeys(request.principal!),
      });
    },
  );

  app.post(
    '/search/opens',
    {
      config: access(SIGNED_IN),
      schema: {
        tags,
        summary: 'Records that the caller opened a search result, so their teams see it higher for that query',
        description:
          "Called when a result is opened. Filed under each of the caller's teams (or the caller alone when in none); " +
          'nothing is recorded for a caller who opted out (`recorded: false`). The query text is wiped after the ' +
          "retention period; the open still counts for the result's popularity until it is deleted too. A result " +
          'the caller may not read is a 404.',
        body: OpenBody,
        response: { 200: Type.Object({ recorded: Type.Boolean() }) },
      },
    },
    async (request) => {
      const body = request.body as Static<typeof OpenBody>;
      return services.searchUsage.recordOpen(request.principal!, body, await visibility(request));
    },
  );

  app.get(
    '/search/usage-preference',
    {
      config: access(SIGNED_IN),
      schema: {
        tags,
        summary: "Whether the caller's opens of search results are recorded",
        response: { 200: UsagePreferenceJson },
      },
    },
    async (request) => services.searchUsage.preference(request.principal!.id),
  );

  app.put(
    '/search/usage-preference',
    {
      config: access(SIGNED_IN),
      schema: {
        tags,
        summary: "Turns the recording of the caller's opens of search results on or off",
        description: 'Turning it off also deletes every open recorded of the caller so far.',
        body: UsagePreferenceJson,
        response: { 200: UsagePreferenceJson },
      },
    },
    async (request) => {
      const body = request.body as Static<typeof UsagePreferenceJson>;
      return services.searchUsage.setPreference(request.principal!.id, body.recordOpens);
    },
  );

  app.get(
    '/search/autocomplete',
    {
      config: access(SIGNED_IN),
      schema: {
        tags,
        summary: 'Complete entity names, tag keys and values, param and metric keys and owners as they are typed',
        description:
          'Values starting with `prefix`, most used first, then values within one typo (two for longer words) of it. ' +
          '`kind` (repeatable) limits them to name, tag_key, tag_value, param_key, metric_key or owner.',
        querystring: CompletionQuery,
        response: { 200: CompletionsJson },
      },
    },
    async (request) => {
      const query = request.query as Static<typeof CompletionQuery>;
      return {
        completions: await services.discovery.complete({
          prefix: query.prefix,
          kinds: list(query.kind),
          limit: query.limit === undefined ? undefined : Number(query.limit),
          visible: await visibility(request),
        }),
      };
    },
  );
}
