import { Type } from '@sinclair/typebox';
import { parseEdgeTypes } from '../../../domain/lineage/edge-types.js';
import type { Direction } from '../../../domain/lineage/graph.js';
import { NODE_KINDS } from '../../../domain/lineage/node-id.js';
import type { Services } from '../../../services/services.js';
import { datasetVersionAt, modelWithIdAt, server } from '../../access/locators.js';
import { access, needs, SIGNED_IN } from '../../access/route-access.js';
import { literalUnion } from '../../literal-union.js';
import type { TypedApp } from '../../typed-app.js';
import { DepthQuery, ModelVersionParams, PathQuery, WalkQuery } from './lineage-schemas.js';
import { presentReached, presentWalk } from './walk-presenter.js';

const tags = ['lineage'];

/** Questions over the graph: closures, impact, paths, training data, provenance, completeness and export. */
export async function lineageQueryRoutes(app: TypedApp, { services }: { services: Services }) {
  const queries = services.lineageQueries;

  app.get(
    '/lineage/nodes',
    {
      config: access(SIGNED_IN),
      schema: {
        tags,
        querystring: Type.Object(
          { nodeId: Type.String({ minLength: 3, maxLength: 300 }) },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => ({ node: await queries.node(request.query.nodeId) }),
  );

  app.get(
    '/lineage/nodes/search',
    {
      config: access(SIGNED_IN),
      schema: {
        tags,
        summary: 'Nodes of a kind and/or whose id or label contains the query text, newest first',
        querystring: Type.Object(
          {
            kind: Type.Optional(literalUnion(NODE_KINDS)),
            query: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })),
            maxResults: Type.Optional(Type.String({ pattern: '^[0-9]{1,6}$' })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const { kind, query, maxResults } = request.query;
      return queries.searchNodes({
        ...(kind ? { kind } : {}),
        ...(query ? { query } : {}),
        ...(maxResults ? { maxResults: Number(maxResults) } : {}),
      });
    },
  );

  for (const direction of ['upstream', 'downstream'] as const satisfies readonly Direction[]) {
    app.get(
      `/lineage/${direction}`,
      {
        config: access(SIGNED_IN),
        schema: { tags, summary: `The ${direction} closure of a node`, querystring: WalkQuery },
      },
      async (request) => {
        const { nodeId, depth, edgeTypes } = request.query;
        const walk = await queries.read(nodeId, direction, { depth, edgeTypes: parseEdgeTypes(edgeTypes) });
        return presentWalk(walk);
      },
    );
  }

  app.get(
    '/lineage/impact',
    {
      config: access(SIGNED_IN),
      schema: { tags, summary: 'What a change to a node affects downstream', querystring: WalkQuery },
    },
    async (request) => {
      const { nodeId, depth, edgeTypes } = request.query;
      const report = await queries.impact(nodeId, { depth, edgeTypes: parseEdgeTypes(edgeTypes) });
      return {
        root: report.root,
        runs: report.runs.map(presentReached),
        modelVersions: report.modelVersions.map(presentReached),
        models: report.models,
        datasetVersions: report.datasetVersions.map(presentReached),
        featureVersions: report.featureVersions.map(presentReached),
        deployments: report.deployments.map(presentReached),
        deploymentTargets: report.deploymentTargets.map(presentReached),
        depth: report.depth,
        truncated: report.truncated,
      };
    },
  );

  app.get(
    '/lineage/path',
    {
      config: access(SIGNED_IN),
      schema: { tags, summary: 'The shortest path between two nodes', querystring: PathQuery },
    },
    async (request) => queries.path(request.query.from, request.query.to, { depth: request.query.depth }),
  );

  app.get(
    '/lineage/dataset-versions/:versionId/models',
    {
      config: access(needs('read', datasetVersionAt('params', 'versionId'))),
      schema: {
        tags,
        summary: 'Model versions trained on a dataset version',
        params: Type.Object({ versionId: Type.String({ minLength: 1, maxLength: 200 }) }),
        querystring: DepthQuery,
      },
    },
    async (request) => {
      const result = await queries.modelsTrainedOn(request.params.versionId, { depth: request.query.depth });
      return { ...result, modelVersions: result.modelVersions.map(presentReached) };
    },
  );

  app.get(
    '/lineage/features/:name/dependents',
    {
      config: access(SIGNED_IN),
      schema: {
        tags,
        summary: 'Everything relying on any version of a feature',
        params: Type.Object({ name: Type.String({ minLength: 1, maxLength: 1000 }) }),
        querystring: DepthQuery,
      },
    },
    async (request) => {
      const result = await queries.featureDependents(request.params.name, { depth: request.query.depth });
      return { ...result, dependents: result.dependents.map(presentReached) };
    },
  );

  app.get(
    '/lineage/model-versions/:modelId/:version/prov',
    {
      config: access(needs('read', modelWithIdAt('params', 'modelId'))),
      schema: { tags, summary: "A model version's provenance as W3C PROV-JSON", params: ModelVersionParams },
    },
    async (request) => queries.provenance(request.params.modelId, Number(request.params.version)),
  );

  app.get(
    '/lineage/model-versions/:modelId/:version/completeness',
    {
      config: access(needs('read', modelWithIdAt('params', 'modelId'))),
      schema: { tags, summary: "How complete a model version's lineage is", params: ModelVersionParams },
    },
    async (request) => queries.completeness(request.params.modelId, Number(request.params.version)),
  );

  app.get(
    '/lineage/export',
    {
      config: access(needs('read', server)),
      schema: {
        tags,
        summary: 'The whole graph as JSON or GraphML',
        querystring: Type.Object(
          { format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('graphml')])) },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const { contentType, body } = await queries.exportGraph(request.query.format ?? 'json');
      return reply.type(contentType).send(body);
    },
  );
}
