import { isSealedValue, refuseReservedPrefix, runValueContext } from '../../domain/encryption/sealed-value.js';
import { parseSensitiveKeys, SensitiveKeys } from '../../domain/encryption/sensitive-keys.js';
import { invalid } from '../../domain/errors.js';
import { sensitiveFieldsOf } from '../../domain/registry/schema/sensitive-annotation.js';
import { candidateSubjects } from '../../domain/registry/schema/subject.js';
import type { Filter, OrderByClause } from '../../domain/search/filter-ast.js';
import type { KeyValue, Run } from '../../domain/tracking/entities.js';
import { findSchema } from '../../store/repositories/registry/schema-repository.js';
import { type RunPolicySource, runPolicySources } from '../../store/repositories/run-policy-sources.js';
import type { Executor } from '../../store/store.js';
import type { EncryptionKeys } from './encryption-keys.js';

/** The experiment tag holding an experiment's own sensitive key patterns (set through its own route only). */
export const SENSITIVE_KEYS_TAG = 'mnemo.sensitive_keys';

export type RunValueKind = 'param' | 'tag';

/** What makes a run's value sensitive: key patterns, and the params and tags its run schema marks. */
export interface RunPolicy {
  patterns: SensitiveKeys;
  marked: Record<RunValueKind, ReadonlySet<string>>;
}

/**
 * The longest value stored encrypted. Sealing adds a third (base64) and the values do not compress, and PostgreSQL's
 * (key, value) search index takes at most about 2.7 KB an entry: this keeps every sealed value, with its key, under
 * that on both databases alike.
 */
export const MAX_SENSITIVE_VALUE_BYTES = 1500;

/**
 * Tags the server itself reads or keeps a copy of in the run's own columns (name, user, parent, the logged-model
 * history it parses and appends to): sealing them would leave the copy in plain text anyway, so no pattern seals them.
 */
const ALWAYS_PLAIN_TAGS = new Set(['mlflow.runName', 'mlflow.user', 'mlflow.parentRunId', 'mlflow.log-model.history']);

/**
 * Seals the params and tags whose keys are sensitive before they are stored, and opens them for callers that read
 * them. Whether a stored value is sealed is told by its form, not by the patterns in force now: patterns may change,
 * and a value sealed once is opened whatever they say later.
 */
export class SensitiveValues {
  constructor(
    /** `--sensitive-keys`: patterns in force on every experiment. */
    readonly serverKeys: SensitiveKeys = SensitiveKeys.NONE,
    readonly keys?: EncryptionKeys,
  ) {
    if (!serverKeys.isEmpty && !keys) throw new Error(NO_KEY_AT_START);
  }

  /**
   * What is sensitive for runs of these experiments: the server's patterns and each experiment's own, and the params
   * and tags the `run` metadata schema governing each experiment's runs marks `x-sensitive`.
   */
  async policy(db: Executor, experimentIds: readonly string[]): Promise<RunPolicy> {
    const sources = await runPolicySources(db, [...new Set(experimentIds)], SENSITIVE_KEYS_TAG);
    let patterns = this.serverKeys;
    const byExperiment = new Map<string, RunPolicySource[]>();
    for (const source of sources) {
      const rows = byExperiment.get(source.experimentId);
      if (rows) rows.push(source);
      else byExperiment.set(source.experimentId, [source]);
    }
    const marked = { param: new Set<string>(), tag: new Set<string>() };
    for (const rows of byExperiment.values()) {
      const { name, sensitiveKeys } = rows[0]!;
      if (sensitiveKeys !== null) patterns = patterns.with(parseStoredPatterns(sensitiveKeys));
      // The experiment's own subject governs its runs if it has versions, else the `run` subject (candidateSubjects).
      const governing = candidateSubjects('run', name)
        .map((subject) => rows.find((row) => row.subject === subject))
        .find((row) => row?.subject && row.lastVersion && row.lastVersion > 0);
      if (!governing?.subject || !governing.lastVersion) continue;
      const stored = await findSchema(db, governing.subject, governing.lastVersion);
      const fields = stored ? sensitiveFieldsOf(stored.schema) : undefined;
      for (const key of fields?.params ?? []) marked.param.add(key);
      for (const key of fields?.tags ?? []) marked.tag.add(key);
    }
    return { patterns, marked };
  }

  /** Whether a value of this key is stored sealed under this policy. */
  isSensitive(policy: RunPolicy, kind: RunValueKind, key: string): boolean {
    return (
      (policy.patterns.matches(key) || policy.marked[kind].has(key)) && !(kind === 'tag' && ALWAYS_PLAIN_TAGS.has(key))
    );
  }

  /**
   * The values as they are to be stored: sealed where the key is sensitive. Without a configured key a sensitive
   * value is refused, never stored as it is; a plain value may not take the sealed form's prefix.
   */
  seal(policy: RunPolicy, runId: string, kind: RunValueKind, values: readonly KeyValue[]): KeyValue[] {
    return values.map((entry, i) => {
      refuseReservedPrefix(entry.value, `${kind}s[${i}].value`);
      if (!this.isSensitive(policy, kind, entry.key)) return entry;
      if (!this.keys) {
        throw invalid(
          `The ${kind} '${entry.key}' is sensitive, and this server has no encryption key to store it with; ` +
            'start the server with MNEMO_ENCRYPTION_KEY or --encryption-key-file',
        );
      }
      const bytes = Buffer.byteLength(entry.value, 'utf8');
      if (bytes > MAX_SENSITIVE_VALUE_BYTES) {
        throw invalid(
          `The value of the sensitive ${kind} '${entry.key}' is ${bytes} bytes; encrypted values are limited to ` +
            `${MAX_SENSITIVE_VALUE_BYTES} bytes`,
        );
      }
      return { key: entry.key, value: this.keys.seal(entry.value, runValueContext(runId, kind, entry.key)) };
    });
  }

  open(runId: string, kind: RunValueKind, values: readonly KeyValue[]): KeyValue[] {
    if (!values.some((entry) => isSealedValue(entry.value))) return values as KeyValue[];
    return values.map((entry) =>
      isSealedValue(entry.value) ? { key: entry.key, value: this.openOne(runId, kind, entry) } : entry,
    );
  }

  /** A sealed value opened and sealed again under the current key (a rotation's step). */
  reseal(runId: string, kind: RunValueKind, entry: KeyValue): KeyValue {
    const plaintext = this.openOne(runId, kind, entry);
    return { key: entry.key, value: this.keys!.seal(plaintext, runValueContext(runId, kind, entry.key)) };
  }

  openValue(runId: string, kind: RunValueKind, entry: KeyValue): string {
    return isSealedValue(entry.value) ? this.openOne(runId, kind, entry) : entry.value;
  }

  /** A run as its readers see it: every sealed param and tag opened. */
  openRun(run: Run): Run {
    const runId = run.info.runId;
    const params = this.open(runId, 'param', run.params);
    const tags = this.open(runId, 'tag', run.tags);
    return params === run.params && tags === run.tags ? run : { ...run, params, tags };
  }

  /**
   * A sealed value cannot be compared or sorted in SQL: a search that filters or orders on a sensitive param or tag
   * is refused, naming the key, rather than answered wrongly. Whether the key is present (IS NULL / IS NOT NULL)
   * is still answered.
   */
  async refuseSearch(
    db: Executor,
    experimentIds: readonly string[],
    filter: Filter,
    orderBy: readonly OrderByClause[],
  ): Promise<void> {
    // Only a param's or tag's value can be sensitive: a search that compares or orders by neither needs no policy.
    const isRunValue = (entity: string): entity is RunValueKind => entity === 'param' || entity === 'tag';
    const compared = filter.comparisons.filter((c) => c.op !== 'IS NULL' && c.op !== 'IS NOT NULL');
    if (!compared.some((c) => isRunValue(c.entity)) && !orderBy.some((clause) => isRunValue(clause.entity))) return;
    const policy = await this.policy(db, experimentIds);
    const sensitive = (entity: string, key: string) =>
      isRunValue(entity) && (policy.patterns.matches(key) || policy.marked[entity].has(key));
    for (const comparison of compared) {
      if (sensitive(comparison.entity, comparison.key)) {
        throw invalid(
          `Cannot filter on ${comparison.entity} '${comparison.key}': it is sensitive and stored encrypted, so its ` +
            'value cannot be compared; filter on whether it is set (IS NULL / IS NOT NULL) or on other keys',
        );
      }
    }
    for (const clause of orderBy) {
      if (sensitive(clause.entity, clause.key)) {
        throw invalid(`Cannot order by ${clause.entity} '${clause.key}': it is sensitive and stored encrypted`);
      }
    }
  }

  private openOne(runId: string, kind: RunValueKind, entry: KeyValue): string {
    // Checked by the caller: only sealed values get here, and a sealed value names a key.
    if (!this.keys) {
      throw invalid(
        `The ${kind} '${entry.key}' of run ${runId} is encrypted, and this server has no encryption key; ` +
          'start it with MNEMO_ENCRYPTION_KEY or --encryption-key-file',
      );
    }
    return this.keys.open(
      entry.value,
      runValueContext(runId, kind, entry.key),
      `${kind} '${entry.key}' of run ${runId}`,
    );
  }
}

export const NO_KEY_AT_START =
  'sensitive keys are configured (--sensitive-keys) but no encryption key is: give MNEMO_ENCRYPTION_KEY or ' +
  '--encryption-key-file, or the sensitive values would have nowhere safe to go';

/**
 * Patterns stored on an experiment or a model were checked when set; a tag edited behind the server's back is read
 * leniently.
 */
export function parseStoredPatterns(value: string): SensitiveKeys {
  try {
    return parseSensitiveKeys(value);
  } catch {
    return new SensitiveKeys(
      value
        .split(/[,\n]/)
        .map((p) => p.trim())
        .filter((p) => p !== '' && !/^\*+$/.test(p)),
    );
  }
}
