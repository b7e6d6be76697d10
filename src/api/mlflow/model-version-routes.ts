import { invalid } from '../../domain/errors.js';
import type { ModelVersion } from '../../domain/registry/entities.js';
import type { Services } from '../../services/services.js';
import { loggedModelAt, modelAt, runAt, versionSourceAt } from '../access/locators.js';
import { access, allOf, needs, SIGNED_IN } from '../access/route-access.js';
import type { TypedApp } from '../typed-app.js';
import { guardArtifactPath } from './artifact-path-guard.js';
import { downloadContentType } from './download-content-type.js';
import { presentModelVersion } from './registry-presenters.js';
import {
  CreateVersionBody,
  SearchQuery,
  TransitionStageBody,
  UpdateVersionBody,
  VersionArtifactQuery,
  VersionRefBody,
  VersionRefQuery,
  VersionTagBody,
  VersionTagKeyBody,
} from './registry-schemas.js';
import { asList, toInteger } from './wire-values.js';

/** MLflow's ceiling for one model-version search page; its client asks for 10,000 by default. */
const MAX_VERSION_RESULTS = 200_000;

/** model-versions/*: create, get, update, delete, search, transition-stage, get-download-uri, get-artifact, tags. */
export async function mlflowModelVersionRoutes(app: TypedApp, { services }: { services: Services }) {
  const { versions, stages } = services.registry;

  app.post(
    '/model-versions/create',
    {
      config: access(
        allOf(
          needs('edit', modelAt('body', 'name')),
          needs('read', runAt('body', 'run_id')),
          needs('read', loggedModelAt('body', 'model_id')),
          needs('read', versionSourceAt('body', 'source')),
        ),
      ),
      schema: { body: CreateVersionBody },
    },
    async (request) => {
      // run_link is accepted for the client's sake but not kept: the UI links a version to its run by run_id.
      const { name, source, run_id, tags, description, model_id } = request.body;
      const created = await versions.create({
        name,
        source,
        runId: run_id,
        tags,
        description,
        loggedModelId: model_id,
      });
      return { model_version: presentModelVersion(created) };
    },
  );

  app.get(
    '/model-versions/get',
    { config: access(needs('read', modelAt('query', 'name'))), schema: { querystring: VersionRefQuery } },
    async (request) => ({
      model_version: presentModelVersion(await versions.get(request.query.name, request.query.version)),
    }),
  );

  app.patch(
    '/model-versions/update',
    { config: access(needs('edit', modelAt('body', 'name'))), schema: { body: UpdateVersionBody } },
    async (request) => {
      const { name, version, description } = request.body;
      const updated =
        description === undefined
          ? await versions.get(name, version)
          : await versions.update(name, version, { description });
      return { model_version: presentModelVersion(updated) };
    },
  );

  app.delete(
    '/model-versions/delete',
    { config: access(needs('manage', modelAt('body', 'name'))), schema: { body: VersionRefBody } },
    async (request) => {
      await versions.delete(request.body.name, request.body.version);
      return {};
    },
  );

  app.post(
    '/model-versions/transition-stage',
    { config: access(needs('edit', modelAt('body', 'name'))), schema: { body: TransitionStageBody } },
    async (request) => {
      const { name, version, stage, archive_existing_versions } = request.body;
      const moved = await stages.transition({
        name,
        version,
        stage,
        archiveExistingVersions: archive_existing_versions,
      });
      return { model_version: presentModelVersion(moved) };
    },
  );

  app.get(
    '/model-versions/get-download-uri',
    { config: access(needs('read', modelAt('query', 'name'))), schema: { querystring: VersionRefQuery } },
    async (request) => {
      // The source is confined to the artifact root (runs:/…, mlflow-artifacts:/… or models:/<logged model>), so the
      // client downloads it through this server's artifact proxy.
      return { artifact_uri: await versions.downloadUri(request.query.name, request.query.version) };
    },
  );

  // The UI's read of one file of a version (MLflow serves it under /ajax-api): only files in the version's manifest,
  // which all lie under the artifact root, can be named.
  app.get(
    '/model-versions/get-artifact',
    { config: access(needs('read', modelAt('query', 'name'))), schema: { querystring: VersionArtifactQuery } },
    async (request, reply) => {
      const { name, version, path } = request.query;
      const relative = guardArtifactPath(path, 'path');
      const file = await versions.readFile(name, version, relative);
      return reply
        .type(downloadContentType(relative))
        .header('content-length', file.size)
        .header('x-content-type-options', 'nosniff')
        .send(file.body);
    },
  );

  app.get(
    '/model-versions/search',
    { config: access(SIGNED_IN), schema: { querystring: SearchQuery } },
    async (request) => {
      const { filter, max_results, order_by, page_token } = request.query;
      const wanted = toInteger(max_results, 'max_results') ?? 10_000;
      if (wanted < 1 || wanted > MAX_VERSION_RESULTS) {
        throw invalid(`max_results must be between 1 and ${MAX_VERSION_RESULTS}; got ${wanted}`);
      }
      // The registry service pages at most 1000 versions at a time; MLflow's larger pages are assembled from those.
      const found: ModelVersion[] = [];
      let token = page_token;
      do {
        const page = await versions.search({
          visible: await request.readable('model'),
          filter,
          orderBy: asList(order_by),
          maxResults: Math.min(1000, wanted - found.length),
          pageToken: token,
        });
        found.push(...page.versions);
        token = page.nextPageToken;
      } while (token && found.length < wanted);
      const reply: Record<string, unknown> = {};
      if (found.length > 0) reply.model_versions = found.map((v) => presentModelVersion(v));
      if (token) reply.next_page_token = token;
      return reply;
    },
  );

  app.post(
    '/model-versions/set-tag',
    { config: access(needs('edit', modelAt('body', 'name'))), schema: { body: VersionTagBody } },
    async (request) => {
      const { name, version, key, value } = request.body;
      await versions.setTags(name, version, [{ key, value }]);
      return {};
    },
  );

  app.delete(
    '/model-versions/delete-tag',
    { config: access(needs('edit', modelAt('body', 'name'))), schema: { body: VersionTagKeyBody } },
    async (request) => {
      const { name, version, key } = request.body;
      await versions.deleteTag(name, version, key);
      return {};
    },
  );
}
