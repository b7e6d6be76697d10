import { Type } from '@sinclair/typebox';
import { invalid } from '../../../domain/errors.js';
import type { Services } from '../../../services/services.js';
import { datasetAt, datasetVersionAt, firstOf, modelWithIdAt, runAt, server } from '../../access/locators.js';
import { access, allOf, needs, SIGNED_IN, SIGNED_IN_WRITER } from '../../access/route-access.js';
import type { TypedApp } from '../../typed-app.js';
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
  RunDatasetBody,
  RunOriginBody,
} from './lineage-schemas.js';
import { registration } from './registration-presenter.js';

const tags = ['lineage'];
/**
 * Registering a dataset or a version of one: editing a dataset that exists takes a role on it (bound to it, or global
 * or default where it is not restricted); creating a new one, like creating an experiment, any signed-in writer,
 * who then manages it.
 */
const datasetWriter = allOf(SIGNED_IN_WRITER, needs('edit', datasetAt('body', 'name', 'namespace')));
const EntityId = Type.String({ minLength: 1, maxLength: 200 });
const IdParam = <Name extends string>(name: Name) => Type.Object({ [name]: EntityId } as Record<Name, typeof EntityId>);

/** Registration of lineage entities: datasets and versions, features, environments, code, targets, deployments. */
export async function lineageEntityRoutes(app: TypedApp, { services }: { services: Services }) {
  const lineage = services.lineage;

  app.post(
    '/lineage/datasets',
    { config: access(datasetWriter), schema: { tags, body: RegisterDatasetBody } },
    async (request, reply) => reply.status(201).send({ dataset: await lineage.registerDataset(request.body) }),
  );

  app.get(
    '/lineage/dataset-versions',
    {
      config: access(needs('read', firstOf(datasetAt('query', 'name', 'namespace'), datasetAt('query', 'dataset')))),
      schema: {
        tags,
        summary: "A dataset's versions, by namespace and name or as one string <namespace>:<name>",
        querystring: Type.Object(
          {
            namespace: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })),
            name: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })),
            dataset: Type.Optional(Type.String({ minLength: 3, maxLength: 2001 })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const { namespace, name, dataset } = request.query;
      if (dataset !== undefined && namespace === undefined && name === undefined) {
        return { datasetVersions: await lineage.listDatasetVersions({ dataset }) };
      }
      if (dataset !== undefined || namespace === undefined || name === undefined) {
        throw invalid('give either namespace and name, or dataset as <namespace>:<name>');
      }
      return { datasetVersions: await lineage.listDatasetVersions({ namespace, name }) };
    },
  );

  app.post(
    '/lineage/dataset-versions',
    {
      // A version that names the run that wrote it links that run too: writing into a run takes editing it.
      config: access(allOf(datasetWriter, needs('edit', runAt('body', 'producedByRunId')))),
      schema: { tags, body: RegisterDatasetVersionBody },
    },
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
      return reply
        .status(201)
        .send(registration('dataset_version', datasetVersion.versionId, true, 'datasetVersion', datasetVersion));
    },
  );

  app.get(
    '/lineage/dataset-versions/:versionId',
    {
      config: access(needs('read', datasetVersionAt('params', 'versionId'))),
      schema: { tags, params: IdParam('versionId') },
    },
    async (request) => ({ datasetVersion: await lineage.getDatasetVersion(request.params.versionId) }),
  );

  app.post(
    '/lineage/features',
    { config: access(needs('edit', server)), schema: { tags, body: RegisterFeatureBody } },
    async (request, reply) => {
      const featureVersion = await lineage.registerFeature(request.body);
      return reply
        .status(201)
        .send(registration('feature_version', featureVersion.featureVersionId, true, 'featureVersion', featureVersion));
    },
  );

  app.post(
    '/lineage/environments',
    { config: access(needs('edit', server)), schema: { tags, body: RegisterEnvironmentBody } },
    async (request, reply) => {
      const body = request.body;
      const result = await lineage.registerEnvironment({
        os: body.os,
        runtime: body.runtime,
        packages: body.packages,
        hardware: body.hardware,
        containerImageDigest: body.containerImageDigest ?? null,
      });
      return reply
        .status(result.created ? 201 : 200)
        .send(registration('environment', result.environmentId, result.created, 'environment', result.environment));
    },
  );

  app.get(
    '/lineage/environments/:environmentId',
    { config: access(SIGNED_IN), schema: { tags, params: IdParam('environmentId') } },
    async (request) => lineage.getEnvironment(request.params.environmentId),
  );

  // What a run ran in and what code it ran, registered and linked by whoever may write to the run (as `mnemo run`
  // does for its runs): environments and code references are content-addressed, so this claims nothing of anyone's.
  const RunIdParams = IdParam('runId');
  app.post(
    '/runs/:runId/environment',
    {
      config: access(needs('edit', runAt('params', 'runId'))),
      schema: {
        tags,
        summary: 'Register the environment a run ran in and link it to the run',
        params: RunIdParams,
        body: RegisterEnvironmentBody,
      },
    },
    async (request, reply) => {
      const body = request.body;
      const result = await lineage.linkRunEnvironment(request.params.runId, {
        os: body.os,
        runtime: body.runtime,
        packages: body.packages,
        hardware: body.hardware,
        containerImageDigest: body.containerImageDigest ?? null,
      });
      return reply.status(result.created ? 201 : 200).send({
        ...registration('environment', result.environmentId, result.created, 'environment', result.environment),
        edge: result.edge,
      });
    },
  );

  app.post(
    '/runs/:runId/code-ref',
    {
      config: access(needs('edit', runAt('params', 'runId'))),
      schema: {
        tags,
        summary: 'Register the code a run ran and link it to the run',
        params: RunIdParams,
        body: RegisterCodeRefBody,
      },
    },
    async (request, reply) => {
      const { repository, commit, dirtyDigest } = request.body;
      const result = await lineage.linkRunCodeRef(request.params.runId, {
        repository,
        commit,
        dirtyDigest: dirtyDigest ?? null,
      });
      return reply.status(result.created ? 201 : 200).send({
        ...registration('code_ref', result.codeRefId, result.created, 'codeRef', result.codeRef),
        edge: result.edge,
      });
    },
  );

  // Data a run read or wrote, linked by whoever may write to the run, and only data they may read: nobody attaches
  // another team's restricted data to a run, nor links data into a run that is not theirs.
  app.post(
    '/runs/:runId/datasets',
    {
      config: access(
        allOf(needs('edit', runAt('params', 'runId')), needs('read', datasetVersionAt('body', 'versionId'))),
      ),
      schema: {
        tags,
        summary: 'Link a registered dataset version to a run as its input (consumed) or output (produced)',
        params: RunIdParams,
        body: RunDatasetBody,
      },
    },
    async (request, reply) => {
      const { versionId, role } = request.body;
      const edge = await lineage.linkRunDatasetVersion(request.params.runId, versionId, role);
      return reply.status(201).send({ edge });
    },
  );

  // A run made by re-running another (`mnemo reproduce --exec`) says so in lineage: whoever may write to the new run
  // and read the original may link them, so reproducing a run needs no role beyond the experiments involved.
  app.post(
    '/runs/:runId/derived-from',
    {
      config: access(allOf(needs('edit', runAt('params', 'runId')), needs('read', runAt('body', 'originRunId')))),
      schema: {
        tags,
        summary: 'Record that a run re-ran another run (a derived_from edge from the original to this run)',
        params: RunIdParams,
        body: RunOriginBody,
      },
    },
    async (request, reply) => {
      const edge = await lineage.linkRunDerivedFrom(request.params.runId, request.body.originRunId);
      return reply.status(201).send({ edge });
    },
  );

  app.post(
    '/lineage/code-refs',
    { config: access(needs('edit', server)), schema: { tags, body: RegisterCodeRefBody } },
    async (request, reply) => {
      const { repository, commit, dirtyDigest } = request.body;
      const result = await lineage.registerCodeRef({ repository, commit, dirtyDigest: dirtyDigest ?? null });
      return reply
        .status(result.created ? 201 : 200)
        .send(registration('code_ref', result.codeRefId, result.created, 'codeRef', result.codeRef));
    },
  );

  app.post(
    '/lineage/deployment-targets',
    { config: access(needs('edit', server)), schema: { tags, body: RegisterTargetBody } },
    async (request, reply) => {
      const target = await lineage.registerDeploymentTarget(request.body);
      return reply
        .status(201)
        .send(registration('deployment_target', target.targetId, true, 'deploymentTarget', target));
    },
  );

  app.post(
    '/lineage/deployments',
    { config: access(needs('edit', modelWithIdAt('body', 'modelId'))), schema: { tags, body: RecordDeploymentBody } },
    async (request, reply) => {
      const deployment = await lineage.recordDeployment(request.body);
      return reply
        .status(201)
        .send(registration('deployment', deployment.deploymentId, true, 'deployment', deployment));
    },
  );

  app.patch(
    '/lineage/deployments/:deploymentId',
    {
      config: access(needs('edit', server)),
      schema: { tags, params: IdParam('deploymentId'), body: DeploymentStatusBody },
    },
    async (request) => ({
      deployment: await lineage.setDeploymentStatus(request.params.deploymentId, request.body.status),
    }),
  );

  app.post(
    '/lineage/model-versions',
    {
      config: access(needs('edit', modelWithIdAt('body', 'modelId'))),
      schema: {
        tags,
        summary: "Declare a model version's training run and dependencies",
        body: ModelVersionLineageBody,
      },
    },
    async (request, reply) => {
      const { nodeId, created, ...modelVersion } = await lineage.recordModelVersion(request.body);
      const id = nodeId.slice('model_version:'.length);
      return reply
        .status(created ? 201 : 200)
        .send(registration('model_version', id, created, 'modelVersion', modelVersion));
    },
  );

  app.post(
    '/lineage/edges',
    { config: access(needs('edit', server)), schema: { tags, summary: 'Link two existing nodes', body: EdgeBody } },
    async (request, reply) => reply.status(201).send({ edge: await lineage.recordEdge(request.body) }),
  );
}
