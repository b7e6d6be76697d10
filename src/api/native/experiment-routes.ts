import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { Experiment } from '../../domain/tracking/entities.js';
import type { Services } from '../../services/services.js';
import { experimentAt, experimentNamed } from '../access/locators.js';
import { access, needs, SIGNED_IN, SIGNED_IN_WRITER } from '../access/route-access.js';
import type { TypedApp } from '../typed-app.js';
import { fromMap, presentExperiment } from './presenters.js';
import {
  CreateExperimentBody,
  ExperimentJson,
  IdParams,
  ListQuery,
  SearchExperimentsBody,
  SetTagsBody,
  UpdateExperimentBody,
} from './schemas.js';

const tags = ['experiments'];
const ExperimentReply = Type.Object({ experiment: ExperimentJson });
const SearchReply = Type.Object({
  experiments: Type.Array(ExperimentJson),
  nextPageToken: Type.Optional(Type.String()),
});
const OwnerName = Type.String({ minLength: 1, maxLength: 64 });
/** Owners a list may be narrowed to: a user's experiments, a team's, or those both own. */
const OwnerFilter = {
  ownerUser: Type.Optional({ ...OwnerName, description: 'only experiments this user owns' }),
  ownerTeam: Type.Optional({ ...OwnerName, description: 'only experiments this team owns' }),
};
const ExperimentListQuery = Type.Object({ ...ListQuery.properties, ...OwnerFilter }, { additionalProperties: false });
const ExperimentSearchBody = Type.Object(
  { ...SearchExperimentsBody.properties, ...OwnerFilter },
  { additionalProperties: false },
);

export async function experimentRoutes(app: TypedApp, { services }: { services: Services }) {
  const experiments = services.experiments;
  /** Experiments as the native API shows them: with their owners. */
  const presentAll = async (list: Experiment[]) => {
    const owners = await services.owners.ownersOf(
      'experiment',
      list.map((e) => e.experimentId),
    );
    return list.map((e) => ({ ...presentExperiment(e), owners: owners.get(e.experimentId) }));
  };
  const presentOne = async (experiment: Experiment) => (await presentAll([experiment]))[0]!;
  /** What a list may show the caller: what it may read, narrowed to an owner's when one is asked for. */
  const visibleTo = async (request: FastifyRequest, owner: { ownerUser?: string; ownerTeam?: string }) => {
    const readable = await request.readable('experiment');
    if (owner.ownerUser === undefined && owner.ownerTeam === undefined) return readable;
    return services.owners.ownedFilter('experiment', { user: owner.ownerUser, team: owner.ownerTeam }, readable);
  };

  app.post(
    '/experiments',
    {
      config: access(SIGNED_IN_WRITER),
      schema: { tags, body: CreateExperimentBody, response: { 201: ExperimentReply } },
    },
    async (request, reply) => {
      const { name, artifactLocation, tags: tagMap } = request.body;
      const experiment = await experiments.create({ name, artifactLocation, tags: fromMap(tagMap) });
      return reply.status(201).send({ experiment: presentExperiment(experiment) });
    },
  );

  app.get(
    '/experiments',
    { config: access(SIGNED_IN), schema: { tags, querystring: ExperimentListQuery, response: { 200: SearchReply } } },
    async (request) => {
      const q = request.query;
      const result = await experiments.search({
        visible: await visibleTo(request, q),
        filter: q.filter,
        orderBy: q.orderBy ? [q.orderBy] : undefined,
        maxResults: q.maxResults === undefined ? undefined : Number(q.maxResults),
        pageToken: q.pageToken,
        viewType: q.viewType,
      });
      return { ...result, experiments: await presentAll(result.experiments) };
    },
  );

  app.post(
    '/experiments/search',
    { config: access(SIGNED_IN), schema: { tags, body: ExperimentSearchBody, response: { 200: SearchReply } } },
    async (request) => {
      const { ownerUser, ownerTeam, ...search } = request.body;
      const result = await experiments.search({
        ...search,
        visible: await visibleTo(request, { ownerUser, ownerTeam }),
      });
      return { ...result, experiments: await presentAll(result.experiments) };
    },
  );

  app.get(
    '/experiments/by-name/:name',
    {
      config: access(needs('read', experimentNamed('params', 'name'))),
      schema: { tags, params: Type.Object({ name: Type.String() }), response: { 200: ExperimentReply } },
    },
    async (request) => ({ experiment: await presentOne(await experiments.getByName(request.params.name)) }),
  );

  app.get(
    '/experiments/:experimentId',
    {
      config: access(needs('read', experimentAt('params', 'experimentId'))),
      schema: { tags, params: IdParams('experimentId'), response: { 200: ExperimentReply } },
    },
    async (request) => ({ experiment: await presentOne(await experiments.get(request.params.experimentId)) }),
  );

  app.patch(
    '/experiments/:experimentId',
    {
      config: access(needs('edit', experimentAt('params', 'experimentId'))),
      schema: {
        tags,
        params: IdParams('experimentId'),
        body: UpdateExperimentBody,
        response: { 200: ExperimentReply },
      },
    },
    async (request) => ({
      experiment: presentExperiment(await experiments.rename(request.params.experimentId, request.body.name)),
    }),
  );

  app.delete(
    '/experiments/:experimentId',
    {
      config: access(needs('manage', experimentAt('params', 'experimentId'))),
      schema: { tags, params: IdParams('experimentId'), response: { 200: ExperimentReply } },
    },
    async (request) => ({ experiment: presentExperiment(await experiments.delete(request.params.experimentId)) }),
  );

  app.post(
    '/experiments/:experimentId/restore',
    {
      config: access(needs('manage', experimentAt('params', 'experimentId'))),
      schema: { tags, params: IdParams('experimentId'), response: { 200: ExperimentReply } },
    },
    async (request) => ({ experiment: presentExperiment(await experiments.restore(request.params.experimentId)) }),
  );

  app.put(
    '/experiments/:experimentId/tags',
    {
      config: access(needs('edit', experimentAt('params', 'experimentId'))),
      schema: { tags, params: IdParams('experimentId'), body: SetTagsBody, response: { 200: ExperimentReply } },
    },
    async (request) => ({
      experiment: presentExperiment(await experiments.setTags(request.params.experimentId, fromMap(request.body.tags))),
    }),
  );

  app.delete(
    '/experiments/:experimentId/tags/:key',
    {
      config: access(needs('edit', experimentAt('params', 'experimentId'))),
      schema: {
        tags,
        params: Type.Object({ experimentId: Type.String(), key: Type.String() }),
        response: { 200: ExperimentReply },
      },
    },
    async (request) => ({
      experiment: presentExperiment(await experiments.deleteTag(request.params.experimentId, request.params.key)),
    }),
  );
}
