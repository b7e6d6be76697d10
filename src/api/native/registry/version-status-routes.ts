import { isReadable } from '../../../domain/access/readable-set.js';
import { invalid } from '../../../domain/errors.js';
import { MAX_STATUS_VERSIONS, parseVersionList, pickKeyMetrics } from '../../../domain/registry/version-status.js';
import { toWireNumber } from '../../../sdk/wire/non-finite.js';
import type { AccessPolicy } from '../../../services/access/access-policy.js';
import type { VersionStatusService } from '../../../services/registry/version-status-service.js';
import { nodeVisibility } from '../../access/lineage-visibility.js';
import { modelAt } from '../../access/locators.js';
import { access, needs } from '../../access/route-access.js';
import type { TypedApp } from '../../typed-app.js';
import { ModelParams } from './registry-schemas.js';
import { presentFlags } from './revalidation-presenter.js';
import { VersionStatusQuery, VersionStatusReply } from './version-status-schemas.js';

const tags = ['registry'];

/**
 * Where each version of a model stands, for the model page's versions table: a page of versions (or the ones named)
 * with key metrics, completeness, revalidation flags, policy verdicts and approval state. Reading it is reading the
 * model; a source run in an experiment the caller may not read has its metrics hidden (and they choose no column),
 * and revalidation causes name only what the caller may read.
 */
export async function versionStatusRoutes(
  app: TypedApp,
  { status, policy }: { status: VersionStatusService; policy: AccessPolicy },
) {
  app.get(
    '/registered-models/:name/versions/status',
    {
      config: access(needs('read', modelAt('params', 'name'))),
      schema: {
        tags,
        summary: "Each version's key metrics, completeness, revalidation, policy verdicts and approval state",
        params: ModelParams,
        querystring: VersionStatusQuery,
        response: { 200: VersionStatusReply },
      },
    },
    async (request) => {
      const { versions, maxResults, pageToken } = request.query;
      if (versions !== undefined && (maxResults !== undefined || pageToken !== undefined)) {
        throw invalid('Name versions or ask for a page (maxResults, pageToken), not both');
      }
      const limit = maxResults === undefined ? undefined : Number(maxResults);
      if (limit !== undefined && (limit < 1 || limit > MAX_STATUS_VERSIONS)) {
        throw invalid(`maxResults must be between 1 and ${MAX_STATUS_VERSIONS}; got ${maxResults}`);
      }
      if (pageToken !== undefined && !/^[1-9][0-9]{0,8}$/.test(pageToken)) throw invalid('pageToken is not valid');
      const found = await status.status(request.params.name, {
        versions: versions === undefined ? undefined : parseVersionList(versions),
        maxResults: limit,
        before: pageToken === undefined ? undefined : Number(pageToken),
      });
      const experiments = await request.readable('experiment');
      const visible = (await nodeVisibility(request, policy)).visible;
      const readsRun = (experimentId: string | null) => experimentId === null || isReadable(experiments, experimentId);
      // Columns come from what this caller may read: a hidden run's metric names stay hidden too.
      const keyMetrics = pickKeyMetrics(
        found.versions.filter((v) => readsRun(v.runExperimentId)).map((v) => v.metrics.map((m) => m.key)),
      );
      const versionsShown = [];
      for (const v of found.versions) {
        const hidden = !readsRun(v.runExperimentId);
        const flags = await presentFlags(v.flags, visible);
        versionsShown.push({
          version: v.version,
          stage: v.stage,
          aliases: v.aliases,
          runId: v.runId,
          metrics: {
            hidden,
            values: hidden
              ? {}
              : Object.fromEntries(
                  v.metrics.filter((m) => keyMetrics.includes(m.key)).map((m) => [m.key, toWireNumber(m.value)]),
                ),
          },
          completeness: v.completeness,
          revalidation: { needed: flags.length > 0, flags },
          policies: v.policies,
          approval: v.approval,
        });
      }
      return {
        name: found.name,
        keyMetrics,
        versions: versionsShown,
        ...(found.next === undefined ? {} : { nextPageToken: String(found.next) }),
      };
    },
  );
}
