import { auditedValue, isSealedValue, sealedValueKeyId } from '../../domain/encryption/sealed-value.js';
import { invalidState } from '../../domain/errors.js';
import type { KeyValue } from '../../domain/tracking/entities.js';
import { rowsAfterKey } from '../../store/readers/keyed-table-pages.js';
import { sealedRegistryTexts } from '../../store/repositories/registry/sealed-registry-values.js';
import { findRunRows } from '../../store/repositories/run-repository.js';
import {
  type RunValueRow,
  replaceRunValues,
  runValuesOf,
  sealedRunValuesAfter,
} from '../../store/repositories/sealed-run-values.js';
import type { ServiceDeps } from '../service-deps.js';
import type { WriteScope } from '../unit-of-work.js';
import { resealRegistryRecords, sealedKeyIdsIn } from './registry-rotation.js';
import { SensitiveRegistryValues } from './sensitive-registry-values.js';
import {
  MAX_SENSITIVE_VALUE_BYTES,
  type RunPolicy,
  type RunValueKind,
  type SensitiveValues,
} from './sensitive-values.js';

export interface RotationProgress {
  /** The key new values are sealed with; null when the server has no encryption key. */
  currentKeyId: string | null;
  /** Older keys the server still opens values with. */
  retiringKeyIds: string[];
  running: boolean;
  /** Values re-sealed (or newly sealed) by the latest pass, so far. */
  resealed: number;
  /**
   * Plain values whose keys became sensitive but that are too long to encrypt (see MAX_SENSITIVE_VALUE_BYTES): left
   * as they are, and counted so an operator can delete or shorten them.
   */
  leftPlain: number;
  startTime: number | null;
  endTime: number | null;
  /** Why the latest pass stopped early, if it did. */
  error: string | null;
}

/** Runs a pass handles per transaction: small enough that writers and readers in between are not held up. */
const RUNS_PER_STEP = 50;
/** Registered models (each with all its versions) a pass handles per transaction. */
const MODELS_PER_STEP = 10;

/**
 * Brings every stored sensitive value under the current key, in the background and without stopping the server:
 * runs, then registered models with their versions, are walked a page at a time, and each page is one write that
 * re-reads its values, re-seals those under an older key (and seals plain values whose keys have become sensitive
 * since), and records a `run.reseal` (`registered_model.reseal`, `model_version.reseal`) event per record changed,
 * so `mnemo audit verify` keeps matching the rows. Readers go on meanwhile: every value is at all times
 * sealed under a key the server holds (old or new). A second request while a pass runs joins it.
 */
export class EncryptionRotation {
  private progress: RotationProgress;
  private pass: Promise<void> | undefined;
  private stopping = false;
  /** Told why a pass stopped early (the progress keeps the message too). */
  onError: (error: unknown) => void = () => {};

  private readonly registryValues: SensitiveRegistryValues;

  constructor(
    private readonly deps: Pick<ServiceDeps, 'store' | 'unitOfWork' | 'now'> & { sensitive: SensitiveValues },
  ) {
    this.registryValues = new SensitiveRegistryValues(deps.sensitive);
    this.progress = {
      currentKeyId: deps.sensitive.keys?.current.keyId ?? null,
      retiringKeyIds: deps.sensitive.keys?.retiring ?? [],
      running: false,
      resealed: 0,
      leftPlain: 0,
      startTime: null,
      endTime: null,
      error: null,
    };
  }

  /** Starts a pass unless one is running; either way returns the progress at once. */
  start(): RotationProgress {
    if (!this.deps.sensitive.keys) {
      throw invalidState(
        'This server has no encryption key: start it with MNEMO_ENCRYPTION_KEY or --encryption-key-file ' +
          '(the new key first, then the old ones) to rotate',
      );
    }
    if (!this.pass && !this.stopping) {
      this.progress = {
        ...this.progress,
        running: true,
        resealed: 0,
        leftPlain: 0,
        startTime: this.deps.now(),
        endTime: null,
        error: null,
      };
      this.pass = this.runPass()
        .catch((error: unknown) => {
          this.progress.error = (error as Error).message;
          this.onError(error);
        })
        .finally(() => {
          this.progress.running = false;
          this.progress.endTime = this.deps.now();
          this.pass = undefined;
        });
    }
    return this.status();
  }

  status(): RotationProgress {
    return { ...this.progress, retiringKeyIds: [...this.progress.retiringKeyIds] };
  }

  /** Waits for the pass in progress, if any. */
  async settled(): Promise<void> {
    await this.pass;
  }

  /** Ends a pass after its current step (the next start picks up where values still need it) and refuses new ones. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.pass;
  }

  /** How many stored values are sealed under each key id: after a pass, only the current key's id is left. */
  async sealedValueCounts(): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const table of ['run_params', 'run_tags'] as const) {
      let after: { runId: string; key: string } | undefined;
      for (;;) {
        const rows = await sealedRunValuesAfter(this.deps.store.db, table, after, 1000);
        for (const row of rows) {
          const keyId = sealedValueKeyId(row.value)!;
          counts[keyId] = (counts[keyId] ?? 0) + 1;
        }
        if (rows.length < 1000) break;
        const last = rows.at(-1)!;
        after = { runId: last.run_id, key: last.key };
      }
    }
    for (const keyId of sealedKeyIdsIn(await sealedRegistryTexts(this.deps.store.db))) {
      counts[keyId] = (counts[keyId] ?? 0) + 1;
    }
    return counts;
  }

  private async runPass(): Promise<void> {
    let after = '';
    while (!this.stopping) {
      const runIds = (await rowsAfterKey(this.deps.store.db, 'runs', after, RUNS_PER_STEP)).map((r) => r.run_id);
      if (runIds.length === 0) break;
      const step = await this.deps.unitOfWork.write((scope) => this.resealRuns(scope, runIds));
      this.progress.resealed += step.changed;
      this.progress.leftPlain += step.leftPlain;
      after = runIds.at(-1)!;
    }
    // Then the registry: registered models' and their versions' tags and metadata fields.
    let afterModel = '';
    while (!this.stopping) {
      const rows = await rowsAfterKey(this.deps.store.db, 'registered_models', afterModel, MODELS_PER_STEP);
      if (rows.length === 0) return;
      const step = await this.deps.unitOfWork.write((scope) => resealRegistryRecords(scope, this.registryValues, rows));
      this.progress.resealed += step.changed;
      this.progress.leftPlain += step.leftPlain;
      afterModel = rows.at(-1)!.model_id;
    }
  }

  private async resealRuns(scope: WriteScope, runIds: string[]): Promise<{ changed: number; leftPlain: number }> {
    const { db } = scope;
    const sensitive = this.deps.sensitive;
    const currentKeyId = sensitive.keys!.current.keyId;
    const experimentOf = new Map((await findRunRows(db, runIds)).map((row) => [row.run_id, row.experiment_id]));
    const [params, tags] = await Promise.all([
      runValuesOf(db, 'run_params', runIds),
      runValuesOf(db, 'run_tags', runIds),
    ]);
    const policies = new Map<string, RunPolicy>();
    for (const experimentId of new Set(experimentOf.values())) {
      policies.set(experimentId, await sensitive.policy(db, [experimentId]));
    }
    let changed = 0;
    let leftPlain = 0;
    for (const runId of runIds) {
      const experimentId = experimentOf.get(runId);
      if (experimentId === undefined) continue;
      const policy = policies.get(experimentId)!;
      const renew = (kind: RunValueKind, rows: RunValueRow[]): KeyValue[] =>
        rows.flatMap((row) => {
          if (row.run_id !== runId) return [];
          const entry = { key: row.key, value: row.value };
          if (isSealedValue(row.value)) {
            return sealedValueKeyId(row.value) === currentKeyId ? [] : [sensitive.reseal(runId, kind, entry)];
          }
          if (!sensitive.isSensitive(policy, kind, row.key)) return [];
          if (Buffer.byteLength(row.value, 'utf8') > MAX_SENSITIVE_VALUE_BYTES) {
            leftPlain += 1;
            return [];
          }
          const [sealed] = sensitive.seal(policy, runId, kind, [entry]);
          return sealed!.value === row.value ? [] : [sealed!];
        });
      const newParams = renew('param', params);
      const newTags = renew('tag', tags);
      if (newParams.length + newTags.length === 0) continue;
      await replaceRunValues(db, 'run_params', runId, newParams);
      await replaceRunValues(db, 'run_tags', runId, newTags);
      scope.audit({
        action: 'run.reseal',
        entityKind: 'run',
        entityId: runId,
        state: { keyId: currentKeyId, params: audited(newParams), tags: audited(newTags) },
      });
      changed += newParams.length + newTags.length;
    }
    return { changed, leftPlain };
  }
}

const audited = (values: readonly KeyValue[]): KeyValue[] =>
  values.map((entry) => ({ key: entry.key, value: auditedValue(entry.value) }));
