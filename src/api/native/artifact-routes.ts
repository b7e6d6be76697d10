import { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import type { Services } from '../../services/services.js';
import { runAt } from '../access/locators.js';
import { access, needs } from '../access/route-access.js';
import { guardArtifactPath } from '../artifact-path-guard.js';
import type { TypedApp } from '../typed-app.js';
import { ArtifactFileJson, ArtifactListQuery, IdParams } from './schemas.js';

const tags = ['artifacts'];
const PathParams = Type.Object({ runId: Type.String(), '*': Type.String() });

export async function artifactRoutes(app: TypedApp, { services }: { services: Services }) {
  const artifacts = services.artifacts;
  // Artifact bytes are never parsed, whatever content type the client declares: a JSON or text file is stored as
  // the exact bytes sent. This applies only inside this plugin.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));

  app.put(
    '/runs/:runId/artifacts/*',
    {
      config: access(needs('edit', runAt('params', 'runId'))),
      schema: {
        tags,
        summary: 'Upload one file (raw body); its size and sha256 are recorded',
        params: PathParams,
        response: { 201: Type.Object({ artifact: ArtifactFileJson }) },
      },
    },
    async (request, reply) => {
      // A PUT without a body is an empty file, as on the artifact proxy.
      const body = request.body instanceof Readable ? request.body : Readable.from([]);
      const artifact = await artifacts.upload(
        request.params.runId,
        guardArtifactPath(request.params['*'], 'artifact path'),
        body,
      );
      return reply.status(201).send({ artifact });
    },
  );

  app.get(
    '/runs/:runId/artifacts',
    {
      config: access(needs('read', runAt('params', 'runId'))),
      schema: {
        tags,
        params: IdParams('runId'),
        querystring: ArtifactListQuery,
        response: { 200: Type.Object({ rootUri: Type.String(), files: Type.Array(ArtifactFileJson) }) },
      },
    },
    async (request) => artifacts.list(request.params.runId, guardArtifactPath(request.query.path ?? '', 'path')),
  );

  app.get(
    '/runs/:runId/artifacts/*',
    { config: access(needs('read', runAt('params', 'runId'))), schema: { tags, params: PathParams } },
    async (request, reply) => {
      const file = await artifacts.download(
        request.params.runId,
        guardArtifactPath(request.params['*'], 'artifact path'),
      );
      return reply.type('application/octet-stream').header('content-length', file.size).send(file.body);
    },
  );

  app.delete(
    '/runs/:runId/artifacts/*',
    { config: access(needs('edit', runAt('params', 'runId'))), schema: { tags, params: PathParams } },
    async (request, reply) => {
      await artifacts.delete(request.params.runId, guardArtifactPath(request.params['*'], 'artifact path'));
      return reply.status(204).send();
    },
  );
}
