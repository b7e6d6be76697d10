import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../services/services.js';
import { experimentAt, experimentNamed } from '../access/locators.js';
import { access, needs, SIGNED_IN, SIGNED_IN_WRITER } from '../access/route-access.js';
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
type ById = { Params: { experimentId: string } };

export async function experimentRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const experiments = services.experiments;

  app.post<{ Body: CreateExperimentBody }>(
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

  app.get<{ Querystring: ListQuery }>(
    '/experiments',
    { config: access(SIGNED_IN), schema: { tags, querystring: ListQuery, response: { 200: SearchReply } } },
    async (request) => {
      const q = request.query;
      const result = await experiments.search({
        visible: await request.readable('experiment'),
        filter: q.filter,
        orderBy: q.orderBy ? [q.orderBy] : undefined,
        maxResults: q.maxResults === undefined ? undefined : Number(q.maxResults),
        pageToken: q.pageToken,
        viewType: q.viewType,
      });
      return { ...result, experiments: result.experiments.map(presentExperiment) };
    },
  );

  app.post<{ Body: SearchExperimentsBody }>(
    '/experiments/search',
    { config: access(SIGNED_IN), schema: { tags, body: SearchExperimentsBody, response: { 200: SearchReply } } },
    async (request) => {
      const result = await experiments.search({ ...request.body, visible: await request.readable('experiment') });
      return { ...result, experiments: result.experiments.map(presentExperiment) };
    },
  );

  app.get<{ Params: { name: string } }>(
    '/experiments/by-name/:name',
    {
      config: access(needs('read', experimentNamed('params', 'name'))),
      schema: { tags, params: Type.Object({ name: Type.String() }), response: { 200: ExperimentReply } },
    },
    async (request) => ({ experiment: presentExperiment(await experiments.getByName(request.params.name)) }),
  );

  app.get<ById>(
    '/experiments/:experimentId',
    {
      config: access(needs('read', experimentAt('params', 'experimentId'))),
      schema: { tags, params: IdParams('experimentId'), response: { 200: ExperimentReply } },
    },
    async (request) => ({ experiment: presentExperiment(await experiments.get(request.params.experimentId)) }),
  );

  app.patch<ById & { Body: { name: string } }>(
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

  app.delete<ById>(
    '/experiments/:experimentId',
    {
      config: access(needs('manage', experimentAt('params', 'experimentId'))),
      schema: { tags, params: IdParams('experimentId'), response: { 200: ExperimentReply } },
    },
    async (request) => ({ experiment: presentExperiment(await experiments.delete(request.params.experimentId)) }),
  );

  app.post<ById>(
    '/experiments/:experimentId/restore',
    {
      config: access(needs('manage', experimentAt('params', 'experimentId'))),
      schema: { tags, params: IdParams('experimentId'), response: { 200: ExperimentReply } },
    },
    async (request) => ({ experiment: presentExperiment(await experiments.restore(request.params.experimentId)) }),
  );

  app.put<ById & { Body: { tags: Record<string, string> } }>(
    '/experiments/:experimentId/tags',
    {
      config: access(needs('edit', experimentAt('params', 'experimentId'))),
      schema: { tags, params: IdParams('experimentId'), body: SetTagsBody, response: { 200: ExperimentReply } },
    },
    async (request) => ({
      experiment: presentExperiment(await experiments.setTags(request.params.experimentId, fromMap(request.body.tags))),
    }),
  );

  app.delete<{ Params: { experimentId: string; key: string } }>(
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
