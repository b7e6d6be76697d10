import { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import type { Services } from '../../services/services.js';
import { artifactPathAt } from '../access/locators.js';
import { access, needs } from '../access/route-access.js';
import type { TypedApp } from '../typed-app.js';
import { guardArtifactPath } from './artifact-path-guard.js';
import { downloadContentType } from './download-content-type.js';
import { presentFileInfo } from './presenters.js';

const WildcardParams = Type.Object({ '*': Type.String() });
const ListQuery = Type.Object(
  { path: Type.Optional(Type.String({ maxLength: 4096 })) },
  { additionalProperties: false },
);

/**
 * The artifact proxy of `mlflow server --serve-artifacts`: paths are relative to the artifact root, which is what
 * `mlflow-artifacts:/<experiment>/<run>/artifacts` URIs point into. Files of a run go through the run's artifact
 * service so their sha256 is recorded; nothing outside the artifact root can be named.
 */
export async function mlflowArtifactProxyRoutes(app: TypedApp, { services }: { services: Services }) {
  const artifacts = services.artifacts;

  // Uploads are raw bytes whatever content type the client declares (it sends text/plain or application/json
  // for such files): nothing here parses a body, every one streams to the artifact store.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));

  app.put(
    '/artifacts/*',
    { config: access(needs('edit', artifactPathAt('params', '*'))), schema: { params: WildcardParams } },
    async (request) => {
      const path = guardArtifactPath(request.params['*'], 'artifact path');
      // A PUT without a body is an empty file (Fastify runs no parser for it), which MLflow clients do upload.
      const body = request.body instanceof Readable ? request.body : Readable.from([]);
      await artifacts.uploadByRootPath(path, body);
      return {};
    },
  );

  app.get(
    '/artifacts',
    { config: access(needs('read', artifactPathAt('query', 'path'))), schema: { querystring: ListQuery } },
    async (request) => {
      const files = await artifacts.listByRootPath(guardArtifactPath(request.query.path ?? '', 'path'));
      return files.length > 0 ? { files: files.map(presentFileInfo) } : {};
    },
  );

  app.get(
    '/artifacts/*',
    { config: access(needs('read', artifactPathAt('params', '*'))), schema: { params: WildcardParams } },
    async (request, reply) => {
      const path = guardArtifactPath(request.params['*'], 'artifact path');
      const file = await artifacts.downloadByRootPath(path);
      return reply
        .type(downloadContentType(path, { asMlflowProxy: true }))
        .header('content-length', file.size)
        .header('x-content-type-options', 'nosniff')
        .send(file.body);
    },
  );

  app.delete(
    '/artifacts/*',
    { config: access(needs('edit', artifactPathAt('params', '*'))), schema: { params: WildcardParams } },
    async (request) => {
      await artifacts.deleteByRootPath(guardArtifactPath(request.params['*'], 'artifact path'));
      return {};
    },
  );
}
