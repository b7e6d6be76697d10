import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../../services/services.js';
import {
  DeploymentStatusBody,
  EdgeBody,
  ModelVersionLineageBody,
  RecordDeploymentBody,
  RegisterCodeRefBody,
  RegisterDatasetBody,
  RegisterDatasetVersionBody,
  RegisterEnvironmentBody,
  RegisterFeatureBody,
  RegisterTargetBody,
} from './lineage-schemas.js';

const tags = ['lineage'];
const IdParam = (name: string) => Type.Object({ [name]: Type.String({ minLength: 1, maxLength: 200 }) });

/** Registration of lineage entities: datasets and versions, features, environments, code, targets, deployments. */
export async function lineageEntityRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const lineage = services.lineage;

  app.post<{ Body: RegisterDatasetBody }>(
    '/lineage/datasets',
    { schema: { tags, body: RegisterDatasetBody } },
    async (request, reply) => reply.status(201).send({ dataset: await lineage.registerDataset(request.body) }),
  );

  app.get<{ Querystring: { namespace: string; name: string } }>(
    '/lineage/dataset-versions',
    {
      schema: {
        tags,
        querystring: Type.Object(
          { namespace: Type.String({ minLength: 1 }), name: Type.String({ minLength: 1 }) },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => ({
      datasetVersions: await lineage.listDatasetVersions(request.query.namespace, request.query.name),
    }),
  );

  app.post<{ Body: RegisterDatasetVersionBody }>(
    '/lineage/dataset-versions',
    { schema: { tags, body: RegisterDatasetVersionBody } },
    async (request, reply) => {
      const { columns, qualityChecks, ...rest } = request.body;
      const datasetVersion = await lineage.registerDatasetVersion({
        ...rest,
        columns: columns?.map((c) => ({ name: c.name, type: c.type ?? null, description: c.description ?? null })),
        qualityChecks: qualityChecks?.map((q) => ({
          name: q.name,
          passed: q.passed,
          column: q.column ?? null,
          value: q.value ?? null,
        })),
      });
      return reply.status(201).send({ datasetVersion });
    },
  );

  app.get<{ Params: { versionId: string } }>(
    '/lineage/dataset-versions/:versionId',
    { schema: { tags, params: IdParam('versionId') } },
    async (request) => ({ datasetVersion: await lineage.getDatasetVersion(request.params.versionId) }),
  );

  app.post<{ Body: RegisterFeatureBody }>(
    '/lineage/features',
    { schema: { tags, body: RegisterFeatureBody } },
    async (request, reply) => reply.status(201).send({ featureVersion: await lineage.registerFeature(request.body) }),
  );

  app.post<{ Body: RegisterEnvironmentBody }>(
    '/lineage/environments',
    { schema: { tags, body: RegisterEnvironmentBody } },
    async (request, reply) => {
      const body = request.body;
      const result = await lineage.registerEnvironment({
        os: body.os,
        runtime: body.runtime,
        packages: body.packages,
        hardware: body.hardware,
        containerImageDigest: body.containerImageDigest ?? null,
      });
      return reply.status(result.created ? 201 : 200).send(result);
    },
  );

  app.get<{ Params: { environmentId: string } }>(
    '/lineage/environments/:environmentId',
    { schema: { tags, params: IdParam('environmentId') } },
    async (request) => lineage.getEnvironment(request.params.environmentId),
  );

  app.post<{ Body: RegisterCodeRefBody }>(
    '/lineage/code-refs',
    { schema: { tags, body: RegisterCodeRefBody } },
    async (request, reply) => {
      const { repository, commit, dirtyDigest } = request.body;
      const result = await lineage.registerCodeRef({ repository, commit, dirtyDigest: dirtyDigest ?? null });
      return reply.status(result.created ? 201 : 200).send(result);
    },
  );

  app.post<{ Body: RegisterTargetBody }>(
    '/lineage/deployment-targets',
    { schema: { tags, body: RegisterTargetBody } },
    async (request, reply) =>
      reply.status(201).send({ deploymentTarget: await lineage.registerDeploymentTarget(request.body) }),
  );

  app.post<{ Body: RecordDeploymentBody }>(
    '/lineage/deployments',
    { schema: { tags, body: RecordDeploymentBody } },
    async (request, reply) => reply.status(201).send({ deployment: await lineage.recordDeployment(request.body) }),
  );

  app.patch<{ Params: { deploymentId: string }; Body: DeploymentStatusBody }>(
    '/lineage/deployments/:deploymentId',
    { schema: { tags, params: IdParam('deploymentId'), body: DeploymentStatusBody } },
    async (request) => ({
      deployment: await lineage.setDeploymentStatus(request.params.deploymentId, request.body.status),
    }),
  );

  app.post<{ Body: ModelVersionLineageBody }>(
    '/lineage/model-versions',
    {
      schema: {
        tags,
        summary: "Declare a model version's training run and dependencies",
        body: ModelVersionLineageBody,
      },
    },
    async (request) => ({ nodeId: await lineage.recordModelVersion(request.body) }),
  );

  app.post<{ Body: EdgeBody }>(
    '/lineage/edges',
    { schema: { tags, summary: 'Link two existing nodes', body: EdgeBody } },
    async (request, reply) => reply.status(201).send({ edge: await lineage.recordEdge(request.body) }),
  );
}
