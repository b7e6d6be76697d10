import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { notFound } from '../../../domain/errors.js';
import type { MilestoneScope, MilestoneWithProgress } from '../../../services/collaboration/milestone-service.js';
import type { Services } from '../../../services/services.js';
import { experimentAt, modelAt } from '../../access/locators.js';
import { access, needs } from '../../access/route-access.js';
import type { TypedApp } from '../../typed-app.js';
import { ModelParams } from '../registry/registry-schemas.js';
import { IdParams } from '../schemas.js';

const tags = ['milestones'];

const MilestoneBody = Type.Object(
  {
    name: Type.String({ maxLength: 1000 }),
    metricKey: Type.String({ maxLength: 1000 }),
    comparator: Type.String({ maxLength: 10, description: "'>=' or '<='" }),
    target: Type.Number(),
    dueTime: Type.Integer({ description: 'epoch ms' }),
  },
  { additionalProperties: false },
);

const ProgressJson = Type.Object({
  best: Type.Union([Type.Number(), Type.Null()]),
  bestRunId: Type.Union([Type.String(), Type.Null()]),
  runsConsidered: Type.Integer(),
  status: Type.Union([Type.Literal('met'), Type.Literal('on_track'), Type.Literal('overdue')]),
  fraction: Type.Union([Type.Number(), Type.Null()]),
});
const MilestoneJson = Type.Object({
  id: Type.String(),
  name: Type.String(),
  metricKey: Type.String(),
  comparator: Type.String(),
  target: Type.Number(),
  dueTime: Type.Integer(),
  createdBy: Type.String(),
  createdAt: Type.Integer(),
  progress: ProgressJson,
});

const present = (m: MilestoneWithProgress) => ({
  id: m.milestoneId,
  name: m.name,
  metricKey: m.metricKey,
  comparator: m.comparator,
  target: m.target,
  dueTime: m.dueTime,
  createdBy: m.createdBy,
  createdAt: m.creationTime,
  progress: m.progress,
});

/**
 * Milestones on an experiment or a registered model: readers see them with their progress, editors set and remove
 * them. A new milestone is answered with its progress at once, as the list shows it.
 */
export async function milestoneRoutes(app: TypedApp, { services }: { services: Services }) {
  const milestones = services.milestones;

  const withProgress = async (request: FastifyRequest, scope: MilestoneScope, id?: string) => {
    const list = await milestones.list(scope, await request.readable('experiment'));
    return id === undefined ? list : list.filter((m) => m.milestoneId === id);
  };

  const experiment = experimentAt('params', 'experimentId');
  const ExperimentParams = IdParams('experimentId');
  const experimentScope = (id: string): MilestoneScope => ({ kind: 'experiment', id });
  const modelScope = async (name: string): Promise<MilestoneScope> => {
    const id = await services.access.policy.modelIdOf(name);
    if (id === undefined) throw notFound(`Registered model '${name}' does not exist`);
    return { kind: 'model', id };
  };

  const routes = [
    {
      base: '/experiments/:experimentId/milestones',
      locate: experiment,
      params: ExperimentParams,
      scope: async (p: Record<string, string>) => experimentScope(p.experimentId!),
      what: 'an experiment',
    },
    {
      base: '/registered-models/:name/milestones',
      locate: modelAt('params', 'name'),
      params: ModelParams,
      scope: (p: Record<string, string>) => modelScope(p.name!),
      what: 'a registered model (progress from the runs that produced its versions)',
    },
  ];

  for (const route of routes) {
    app.get(
      route.base,
      {
        config: access(needs('read', route.locate)),
        schema: {
          tags,
          summary: `The milestones of ${route.what}, with progress from the best run so far`,
          params: route.params,
          response: { 200: Type.Object({ milestones: Type.Array(MilestoneJson) }) },
        },
      },
      async (request) => {
        const scope = await route.scope(request.params as Record<string, string>);
        return { milestones: (await withProgress(request, scope)).map(present) };
      },
    );
    app.post(
      route.base,
      {
        config: access(needs('edit', route.locate)),
        schema: {
          tags,
          summary: `Sets a milestone on ${route.what}`,
          params: route.params,
          body: MilestoneBody,
          response: { 201: Type.Object({ milestone: MilestoneJson }) },
        },
      },
      async (request, reply) => {
        const scope = await route.scope(request.params as Record<string, string>);
        const created = await milestones.create(request.principal!, scope, request.body as typeof MilestoneBody.static);
        const [withItsProgress] = await withProgress(request, scope, created.milestoneId);
        return reply.status(201).send({ milestone: present(withItsProgress!) });
      },
    );
    app.delete(
      `${route.base}/:milestoneId`,
      {
        config: access(needs('edit', route.locate)),
        schema: {
          tags,
          summary: `Removes a milestone of ${route.what}`,
          params: Type.Object({ ...route.params.properties, ...IdParams('milestoneId').properties }),
          response: { 200: Type.Object({}) },
        },
      },
      async (request) => {
        const params = request.params as Record<string, string>;
        await milestones.delete(await route.scope(params), params.milestoneId!);
        return {};
      },
    );
  }
}
