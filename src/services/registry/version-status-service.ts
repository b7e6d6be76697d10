import { notFound } from '../../domain/errors.js';
import type { PolicyTarget } from '../../domain/governance/policy.js';
import type { RequestStatus } from '../../domain/registry/approvals/transition-request.js';
import type { Completeness } from '../../domain/registry/completeness.js';
import type { SchemaRef } from '../../domain/registry/entities.js';
import type { RevalidationFlag } from '../../domain/registry/revalidation.js';
import type { Stage } from '../../domain/registry/stages.js';
import { MAX_STATUS_VERSIONS, standingRequest } from '../../domain/registry/version-status.js';
import { latestMetricsOfRuns } from '../../store/repositories/latest-metric-repository.js';
import { activityRows, requestRowsOfVersions } from '../../store/repositories/registry/approval-repository.js';
import { flagOf, openFlagRowsOfVersions } from '../../store/repositories/registry/revalidation-repository.js';
import { findSchema, findSubject } from '../../store/repositories/registry/schema-repository.js';
import { hydrateVersions, liveVersionRows } from '../../store/repositories/registry/version-repository.js';
import { findRunRows } from '../../store/repositories/run-repository.js';
import type { PolicyService } from '../governance/policy-service.js';
import type { ApprovalService } from './approvals/approval-service.js';
import { score, versionDocumentOf } from './completeness-service.js';
import { governingSubject } from './metadata-gate.js';
import { requireModel } from './model-lookup.js';
import type { RegistryDeps } from './registry-deps.js';

/** Where one version stands, everything unfiltered: the API hides what its caller may not read. */
export interface VersionStatusRecord {
  version: number;
  stage: Stage;
  aliases: string[];
  runId: string | null;
  /** The experiment of the source run (what reading its metrics needs); null without a run, or when it is gone. */
  runExperimentId: string | null;
  /** The source run's latest value of each metric, by key. */
  metrics: { key: string; value: number }[];
  completeness: Completeness & { schema: SchemaRef | null };
  /** Open revalidation flags, oldest first. */
  flags: RevalidationFlag[];
  /** The verdict of the policies on each of the model's protected stages and aliases. */
  policies: { target: PolicyTarget; passed: boolean; policies: number; failedRules: string[] }[];
  /** The request telling where its approval stands (see standingRequest), or null when it has none. */
  approval: {
    requestId: string;
    status: RequestStatus;
    target: PolicyTarget;
    approvals: number;
    requiredApprovals: number;
    creationTime: number;
  } | null;
}

export interface VersionStatusQuery {
  /** These versions (each must exist); otherwise the newest `maxResults` below `before`. */
  versions?: readonly number[] | undefined;
  maxResults?: number | undefined;
  /** Only versions older than this one (the previous page's last version). */
  before?: number | undefined;
}

/**
 * What the model page's versions table shows beside each version: key metrics of the source run, metadata
 * completeness, revalidation flags, promotion-policy verdicts and the approval state. Everything but the policy
 * verdicts is read for the whole page at once, in a fixed number of queries; a verdict needs the version's own
 * record, so it is read per version and protected target, and only where a policy governs that target.
 */
export class VersionStatusService {
  constructor(
    private readonly deps: RegistryDeps,
    private readonly approvals: ApprovalService,
    private readonly policies: PolicyService,
  ) {}

  async status(
    name: string,
    query: VersionStatusQuery = {},
  ): Promise<{ name: string; versions: VersionStatusRecord[]; next?: number }> {
    const db = this.deps.store.db;
    const model = await requireModel(db, name);
    const live = (await liveVersionRows(db, model.model_id)).sort((a, b) => Number(b.version) - Number(a.version));
    let rows: typeof live;
    let next: number | undefined;
    if (query.versions !== undefined) {
      const wanted = new Set(query.versions);
      rows = live.filter((row) => wanted.has(Number(row.version)));
      const missing = [...wanted].filter((v) => !rows.some((row) => Number(row.version) === v));
      if (missing.length > 0) throw notFound(`${model.name} has no version ${missing.join(', ')}`);
    } else {
      const limit = query.maxResults ?? MAX_STATUS_VERSIONS;
      const older = live.filter((row) => query.before === undefined || Number(row.version) < query.before);
      rows = older.slice(0, limit);
      if (older.length > limit) next = Number(rows.at(-1)!.version);
    }
    const versions = await hydrateVersions(db, rows, () => model.name);
    const numbers = versions.map((v) => v.version);

    const runIds = [...new Set(versions.flatMap((v) => (v.runId ? [v.runId] : [])))];
    const runs = new Map((await findRunRows(db, runIds)).map((run) => [run.run_id, run.experiment_id]));
    const metrics = await latestMetricsOfRuns(db, [...runs.keys()]);

    const subject = await governingSubject(db, 'model_version', model.name);
    const info = subject === undefined ? undefined : await findSubject(db, subject);
    const stored = subject && info ? await findSchema(db, subject, info.latestVersion) : undefined;
    const schema = stored ? { ref: { subject: subject!, version: stored.version }, schema: stored.schema } : undefined;

    const flags = (await openFlagRowsOfVersions(db, model.model_id, numbers)).map((row) => flagOf(row, model.name));

    const now = this.deps.now();
    const requestRows = await requestRowsOfVersions(db, model.model_id, numbers);
    const standing = new Map(
      numbers.flatMap((version) => {
        const own = requestRows
          .filter((row) => Number(row.version) === version)
          .map((row) => ({
            id: row.request_id,
            status: row.status as RequestStatus,
            creationTime: Number(row.creation_time),
            expiryTime: Number(row.expiry_time),
            row,
          }));
        const chosen = standingRequest(own, now);
        return chosen ? [[version, chosen] as const] : [];
      }),
    );
    const activity = await activityRows(
      db,
      [...standing.values()].map((r) => r.id),
    );

    const protection = await this.approvals.protection.effective(db, model);
    const targets: PolicyTarget[] = [
      ...protection.stages.map((stage) => ({ stage })),
      ...protection.aliases.map((alias) => ({ alias })),
    ];
    const verdicts = await this.policies.verdicts(model, numbers, targets);

    const result = versions.map((v): VersionStatusRecord => {
      const request = standing.get(v.version);
      return {
        version: v.version,
        stage: v.stage,
        aliases: v.aliases,
        runId: v.runId,
        runExperimentId: v.runId ? (runs.get(v.runId) ?? null) : null,
        metrics: v.runId ? metrics.filter((m) => m.runId === v.runId).map(({ key, value }) => ({ key, value })) : [],
        completeness: score(schema, versionDocumentOf(v)),
        flags: flags.filter((f) => f.version === v.version),
        policies: (verdicts.get(v.version) ?? []).map(({ target, verdict }) => ({
          target,
          passed: verdict.passed,
          policies: verdict.policies.length,
          failedRules: verdict.failures.map((f) => `${f.policy}/${f.rule}`),
        })),
        approval: request
          ? {
              requestId: request.id,
              status: request.status,
              target:
                request.row.target_kind === 'stage'
                  ? { stage: request.row.target as Stage }
                  : { alias: request.row.target },
              approvals: new Set(
                activity.filter((a) => a.request_id === request.id && a.kind === 'approve').map((a) => a.actor),
              ).size,
              requiredApprovals: Number(request.row.required_approvals),
              creationTime: request.creationTime,
            }
          : null,
      };
    });
    return next === undefined ? { name: model.name, versions: result } : { name: model.name, versions: result, next };
  }
}
