import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MetricBatchState } from '../../src/domain/provenance/audit-events/recorded-states.js';
import type { KeyValue } from '../../src/domain/tracking/entities.js';
import { AuditLog } from '../../src/services/provenance/audit-log.js';
import { runWithContext } from '../../src/services/request-context.js';
import { createServices, type Services } from '../../src/services/services.js';
import type { AuditRecord } from '../../src/services/unit-of-work.js';
import { openArtifactStore } from '../../src/store/artifacts/open-artifact-store.js';
import { openStore } from '../../src/store/open-store.js';
import { findAuditState, readAuditHead } from '../../src/store/repositories/provenance/audit-event-repository.js';
import { insertParams, upsertRunTags } from '../../src/store/repositories/run-repository.js';
import type { Store } from '../../src/store/store.js';

/** Events appended per transaction in the bulk phase: large, as an import would write them. */
const EVENTS_PER_TRANSACTION = 10_000;
/** Points in each run's one metric batch logged through the service (so metric digests are part of the check). */
const POINTS_PER_RUN = 100;
const EPOCH = 1_700_000_000_000;

export interface AuditLogFixture {
  /** Events in the log (the audit head). */
  events: number;
  runs: number;
  checkpoints: number;
}

/**
 * Builds a genuine audit log of about `events` events in a fresh database with the project's own code: every
 * experiment and run is created through the services in-process (each write its own transaction, logged by the real
 * AuditLog), every run logs a params/tags batch and a metric batch through the service, and finishes through it.
 * The bulk of the log is run.log_batch events (a progress tag, now and then a new param) appended by the same
 * AuditLog in transactions of 10,000 events, each event's state shaped exactly like the run's own service-logged
 * batch (its recorded state is the template) and its rows written by the run repository in the same transaction.
 * Signed checkpoints are made through the checkpoint service every quarter of the way and at the end.
 */
export async function buildAuditLog(
  backendUri: string,
  options: { events: number; runs: number; onProgress?: (events: number) => void },
): Promise<AuditLogFixture> {
  const store = await openStore(backendUri);
  const artifactDir = await mkdtemp(join(tmpdir(), 'mnemo-bench-audit-artifacts-'));
  const audit = new AuditLog(store.dialect);
  let clock = EPOCH;
  // A clock that moves forward a millisecond per call: event times differ and stay reproducible.
  const now = () => ++clock;
  const services = createServices({ store, artifacts: openArtifactStore(artifactDir), audit, now });
  const context = { actor: 'bench', requestId: 'audit-fixture' };
  try {
    return await runWithContext(context, () => build(store, services, audit, options));
  } finally {
    await store.close();
    await rm(artifactDir, { recursive: true, force: true });
  }
}

async function build(
  store: Store,
  services: Services,
  audit: AuditLog,
  options: { events: number; runs: number; onProgress?: (events: number) => void },
): Promise<AuditLogFixture> {
  const { experimentId } = await services.experiments.create({
    name: 'audit-bench',
    tags: [{ key: 'team', value: 'bench' }],
  });
  const runIds: string[] = [];
  const templates = new Map<string, MetricBatchState>();
  for (let r = 0; r < options.runs; r++) {
    const { info } = await services.runs.create({ experimentId, runName: `run-${r}`, startTime: EPOCH + r });
    runIds.push(info.runId);
    await services.runs.logBatch(info.runId, {
      params: [{ key: 'lr', value: String(0.001 * (1 + (r % 7))) }],
      tags: [{ key: 'progress', value: '0' }],
    });
    templates.set(info.runId, await latestState(store));
    await services.runs.logBatch(info.runId, {
      metrics: Array.from({ length: POINTS_PER_RUN }, (_, step) => ({
        key: 'loss',
        value: Math.exp(-step / 30) + (r % 10) / 1000,
        step,
        timestamp: EPOCH + step,
      })),
    });
  }

  // Reserved at the end: one finishing update per run and the final checkpoint.
  const bulkEnd = options.events - options.runs - 1;
  const checkpointEvery = Math.max(EVENTS_PER_TRANSACTION, Math.floor(options.events / 4));
  let nextCheckpoint = checkpointEvery;
  let checkpoints = 0;
  const progress = new Map(runIds.map((id) => [id, 0]));
  let head = (await readAuditHead(store.db)).lastSeq;
  let turn = 0;
  while (head < bulkEnd) {
    const count = Math.min(EVENTS_PER_TRANSACTION, bulkEnd - head);
    await store.db.transaction().execute(async (tx) => {
      const records: AuditRecord[] = [];
      const tags = new Map<string, KeyValue>();
      const params = new Map<string, KeyValue[]>();
      for (let i = 0; i < count; i++) {
        const runId = runIds[turn++ % runIds.length]!;
        const step = progress.get(runId)! + 1;
        progress.set(runId, step);
        const tag = { key: 'progress', value: String(step) };
        const param = step % 10 === 0 ? [{ key: `hp${step}`, value: String(step * 3) }] : [];
        tags.set(runId, tag);
        if (param.length > 0) params.set(runId, [...(params.get(runId) ?? []), ...param]);
        records.push({
          action: 'run.log_batch',
          entityKind: 'run',
          entityId: runId,
          state: { ...templates.get(runId)!, params: param, tags: [tag] },
        });
      }
      for (const [runId, tag] of tags) await upsertRunTags(tx, runId, [tag]);
      for (const [runId, list] of params) await insertParams(tx, runId, list);
      await audit.append(tx, [{ records, context: { actor: 'bench', requestId: `bulk-${head}` } }]);
    });
    head += count;
    options.onProgress?.(head);
    if (head >= nextCheckpoint && head < bulkEnd) {
      await services.provenance.checkpoints.create();
      checkpoints += 1;
      nextCheckpoint += checkpointEvery;
      // The checkpoint is logged too (and the first one registers the signing key, also logged).
      head = (await readAuditHead(store.db)).lastSeq;
    }
  }
  for (const runId of runIds) await services.runs.update(runId, { status: 'FINISHED', endTime: EPOCH + 10_000_000 });
  await services.provenance.checkpoints.create();
  checkpoints += 1;
  const events = (await readAuditHead(store.db)).lastSeq;
  return { events, runs: runIds.length, checkpoints };
}

/** The recorded state of the newest event, parsed: what the service wrote for the call just made. */
async function latestState(store: Store): Promise<MetricBatchState> {
  const { lastSeq } = await readAuditHead(store.db);
  const state = await findAuditState(store.db, lastSeq);
  if (state === undefined) throw new Error(`event ${lastSeq} has no recorded state`);
  return JSON.parse(state) as MetricBatchState;
}
