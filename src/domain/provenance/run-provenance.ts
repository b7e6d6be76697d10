import { toWireNumber } from '../../sdk/wire/non-finite.js';
import { auditedValue } from '../encryption/sealed-value.js';
import type { Run } from '../tracking/entities.js';
import { type ResourceDescriptor, RUN_PREDICATE_TYPE, STATEMENT_TYPE, type Statement } from './in-toto-statement.js';

/** Tags MLflow clients set to name the code a run came from. */
export const CODE_TAGS = {
  repository: 'mlflow.source.git.repoURL',
  commit: 'mlflow.source.git.commit',
  branch: 'mlflow.source.git.branch',
  sourceName: 'mlflow.source.name',
  sourceType: 'mlflow.source.type',
  entryPoint: 'mlflow.project.entryPoint',
} as const;

/** Tags that describe where a run executed. */
export const ENVIRONMENT_TAG_PREFIXES = ['mlflow.docker.', 'mnemo.environment.', 'mlflow.databricks.cluster'];

export interface ArtifactDigest {
  path: string;
  size: number;
  sha256: string;
}

export interface IssuerContext {
  /** Who issued the attestation: the server's builder id and signing key, and the requesting actor. */
  builderId: string;
  keyId: string;
  requestedBy: string;
  issuedTime: number;
  /** The audit log head when the statement was made, tying it to the log. */
  auditLog: { treeSize: number; rootHash: string };
}

/**
 * The predicate describing how a run produced its files: inputs, code, environment, parameters and results. The run
 * is as stored: an encrypted param or tag enters as the digest the audit log holds for it, never its plaintext.
 */
export function runPredicate(run: Run): Record<string, unknown> {
  const tags = new Map(run.tags.map((t) => [t.key, auditedValue(t.value)]));
  const code: Record<string, string> = {};
  for (const [field, tag] of Object.entries(CODE_TAGS)) {
    const value = tags.get(tag);
    if (value !== undefined) code[field] = value;
  }
  const environment = Object.fromEntries(
    run.tags
      .filter((t) => ENVIRONMENT_TAG_PREFIXES.some((p) => t.key.startsWith(p)))
      .map((t) => [t.key, auditedValue(t.value)]),
  );
  return {
    run: {
      runId: run.info.runId,
      experimentId: run.info.experimentId,
      runName: run.info.runName,
      userId: run.info.userId,
      status: run.info.status,
      startTime: run.info.startTime,
      endTime: run.info.endTime,
    },
    params: Object.fromEntries(run.params.map((p) => [p.key, auditedValue(p.value)])),
    metrics: Object.fromEntries(
      run.metrics.map((m) => [m.key, { value: toWireNumber(m.value), step: m.step, timestamp: m.timestamp }]),
    ),
    datasets: run.inputs.map((d) => ({
      name: d.name,
      digest: d.digest,
      source: d.source,
      sourceType: d.sourceType,
      context: d.tags.find((t) => t.key === 'mlflow.data.context')?.value ?? null,
    })),
    code,
    environment,
  };
}

export const subjectsOf = (files: readonly ArtifactDigest[]): ResourceDescriptor[] =>
  files
    .slice()
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((f) => ({ name: f.path, digest: { sha256: f.sha256 } }));

export function runStatement(run: Run, files: readonly ArtifactDigest[], issuer: IssuerContext): Statement {
  return {
    _type: STATEMENT_TYPE,
    subject: subjectsOf(files),
    predicateType: RUN_PREDICATE_TYPE,
    predicate: { ...runPredicate(run), builder: builderOf(issuer), auditLog: issuer.auditLog },
  };
}

export const builderOf = (issuer: IssuerContext) => ({
  id: issuer.builderId,
  keyId: issuer.keyId,
  requestedBy: issuer.requestedBy,
  issuedTime: issuer.issuedTime,
});
