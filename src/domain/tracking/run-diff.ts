/**
 * The comparison of two runs that `mnemo diff` and the UI show: what differs in params, metrics, tags, code,
 * environment and data. Pure: the service gathers each run's side (RunSide) and this decides what changed.
 */

/** One run as the comparison sees it. */
export interface RunSide {
  runId: string;
  params: Record<string, string>;
  tags: Record<string, string>;
  metrics: Record<string, MetricSummary>;
  /** Null when the run recorded no code version. */
  code: CodeSide | null;
  /** Packages (name → version) of the run's environment; null when the run has no environment linked. */
  environment: EnvironmentSide | null;
  /** Data the run read, by name: its digest (a content hash) identifies the version. */
  inputs: Record<string, string>;
}

export interface MetricSummary {
  /** The latest value (highest step, then latest time), as MLflow reports a run's metric. */
  final: number;
  /** The lowest and highest values ever logged; absent when the run never logged a number for the key. */
  min?: number;
  max?: number;
}

export interface CodeSide {
  commit: string | null;
  branch: string | null;
  dirty: boolean | null;
  /** Digest of the uncommitted diff, when there was one and it was recorded. */
  diffDigest: string | null;
}

export interface EnvironmentSide {
  environmentId: string | null;
  packages: Record<string, string>;
}

/** A value present on one side or both; `a` and `b` are null where that run lacks it. */
export interface ValueChange {
  key: string;
  a: string | null;
  b: string | null;
}

export type BestDirection = 'min' | 'max';

export interface MetricChange {
  key: string;
  direction: BestDirection;
  final: { a: number | null; b: number | null; delta: number | null };
  best: { a: number | null; b: number | null; delta: number | null };
}

export interface FieldChange {
  field: string;
  a: string | null;
  b: string | null;
}

export interface PackageChanges {
  added: { name: string; version: string }[];
  removed: { name: string; version: string }[];
  changed: { name: string; a: string; b: string }[];
}

export interface RunDiff {
  a: string;
  b: string;
  params: ValueChange[];
  metrics: MetricChange[];
  tags: ValueChange[];
  code: FieldChange[];
  environment: { a: string | null; b: string | null; packages: PackageChanges } | null;
  data: ValueChange[];
  /** True when nothing compared differs. */
  identical: boolean;
}

/**
 * Tags that differ between any two runs by construction (their names, request ids, timings and resource use) and
 * so say nothing about why two runs differ, and tags compared in their own section (code, environment, data) rather
 * than twice.
 */
const INCIDENTAL_TAGS = new Set([
  'mlflow.runName',
  'mlflow.user',
  'mnemo.sdk.requestId',
  'mnemo.spool.id',
  'mlflow.source.git.commit',
  'mlflow.source.git.branch',
  'mnemo.source.git.dirty',
  'mnemo.source.git.diffDigest',
  'mnemo.codeRef.id',
  'mnemo.environment.id',
]);
const INCIDENTAL_TAG_PREFIXES = ['mnemo.resources.', 'mnemo.input.'];

/**
 * Which way is better for a metric. Nothing in a run says so, so the name decides: keys naming a loss or an error
 * (`loss`, `val_loss`, `error_rate`, `mae`-style `err`) are minimised, everything else (accuracy, f1, auc…) maximised.
 */
export function bestDirection(key: string): BestDirection {
  return /loss|err/i.test(key) ? 'min' : 'max';
}

export function diffRuns(a: RunSide, b: RunSide): RunDiff {
  const params = diffMaps(a.params, b.params);
  const tags = diffMaps(withoutIncidental(a.tags), withoutIncidental(b.tags));
  const metrics = diffMetrics(a.metrics, b.metrics);
  const code = diffCode(a.code, b.code);
  const environment = diffEnvironment(a.environment, b.environment);
  const data = diffMaps(a.inputs, b.inputs);
  const environmentDiffers =
    environment !== null &&
    (environment.a !== environment.b ||
      environment.packages.added.length + environment.packages.removed.length + environment.packages.changed.length >
        0);
  return {
    a: a.runId,
    b: b.runId,
    params,
    metrics,
    tags,
    code,
    environment,
    data,
    identical:
      params.length + tags.length + code.length + data.length === 0 &&
      !environmentDiffers &&
      metrics.every((m) => sameNumber(m.final.a, m.final.b) && sameNumber(m.best.a, m.best.b)),
  };
}

/** Keys whose values differ or that only one side has, sorted by key. */
export function diffMaps(a: Record<string, string>, b: Record<string, string>): ValueChange[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.filter((key) => a[key] !== b[key]).map((key) => ({ key, a: a[key] ?? null, b: b[key] ?? null }));
}

/** Every metric either run logged, whether it differs or not: a table of runs shows the equal ones too. */
function diffMetrics(a: Record<string, MetricSummary>, b: Record<string, MetricSummary>): MetricChange[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.map((key) => {
    const direction = bestDirection(key);
    const bestOf = (m: MetricSummary | undefined) => (m ? ((direction === 'min' ? m.min : m.max) ?? null) : null);
    const finalA = a[key]?.final ?? null;
    const finalB = b[key]?.final ?? null;
    const bestA = bestOf(a[key]);
    const bestB = bestOf(b[key]);
    return {
      key,
      direction,
      final: { a: finalA, b: finalB, delta: delta(finalA, finalB) },
      best: { a: bestA, b: bestB, delta: delta(bestA, bestB) },
    };
  });
}

function diffCode(a: CodeSide | null, b: CodeSide | null): FieldChange[] {
  const fields: (keyof CodeSide)[] = ['commit', 'branch', 'dirty', 'diffDigest'];
  const text = (side: CodeSide | null, field: keyof CodeSide) => {
    const value = side?.[field];
    return value === null || value === undefined ? null : String(value);
  };
  return fields
    .map((field) => ({ field, a: text(a, field), b: text(b, field) }))
    .filter((change) => change.a !== change.b);
}

function diffEnvironment(
  a: EnvironmentSide | null,
  b: EnvironmentSide | null,
): { a: string | null; b: string | null; packages: PackageChanges } | null {
  if (a === null && b === null) return null;
  return {
    a: a?.environmentId ?? null,
    b: b?.environmentId ?? null,
    packages: diffPackages(a?.packages ?? {}, b?.packages ?? {}),
  };
}

/** Packages in `b` but not `a` are added, the other way removed; both with other versions changed. */
export function diffPackages(a: Record<string, string>, b: Record<string, string>): PackageChanges {
  const changes: PackageChanges = { added: [], removed: [], changed: [] };
  for (const change of diffMaps(normalisePackageNames(a), normalisePackageNames(b))) {
    if (change.a === null) changes.added.push({ name: change.key, version: change.b! });
    else if (change.b === null) changes.removed.push({ name: change.key, version: change.a });
    else changes.changed.push({ name: change.key, a: change.a, b: change.b });
  }
  return changes;
}

/** Package names compare as pip does: case-insensitive, with `-`, `_` and `.` alike. */
function normalisePackageNames(packages: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, version] of Object.entries(packages)) out[name.toLowerCase().replace(/[-_.]+/g, '-')] = version;
  return out;
}

function withoutIncidental(tags: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(tags).filter(
      ([key]) => !INCIDENTAL_TAGS.has(key) && !INCIDENTAL_TAG_PREFIXES.some((prefix) => key.startsWith(prefix)),
    ),
  );
}

const delta = (a: number | null, b: number | null): number | null =>
  a === null || b === null || !Number.isFinite(a) || !Number.isFinite(b) ? null : b - a;

const sameNumber = (a: number | null, b: number | null): boolean =>
  a === b || (a !== null && b !== null && Number.isNaN(a) && Number.isNaN(b));
