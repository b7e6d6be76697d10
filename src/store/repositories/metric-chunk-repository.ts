import {
  CHUNK_ENCODING_COLUMNS,
  type ChunkColumns,
  type PackedChunk,
  type StoredColumns,
  unpackChunk,
} from '../../domain/metrics/metric-chunks.js';
import { dialectOf } from '../dialect/dialect-of.js';
import type { RunRowsWrite } from '../dialect/sql-dialect.js';
import type { MetricChunksTable } from '../schema.js';
import type { Executor } from '../store.js';

/** Stores chunks that one batch packed (see packPoints); `batch` is 0 for points without a batch. */
export async function insertMetricChunks(
  db: Executor,
  runId: string,
  batch: number,
  chunks: readonly PackedChunk[],
): Promise<void> {
  const write = metricChunksWrite(runId, batch, chunks);
  if (write) await dialectOf(db).writeRunRows(db, write);
}

/** The write that stores chunks one batch packed, in the dialect's bulk form (undefined for none). */
export function metricChunksWrite(
  runId: string,
  batch: number,
  chunks: readonly PackedChunk[],
): RunRowsWrite | undefined {
  if (chunks.length === 0) return undefined;
  const column = (name: string, type: string, value: (c: PackedChunk) => unknown) => ({
    name,
    type,
    values: chunks.map(value),
  });
  return {
    table: 'metric_chunks',
    runId,
    columns: [
      column('key', 'text', (c) => c.key),
      column('first_step', 'bigint', (c) => c.firstStep),
      column('batch', 'bigint', () => batch),
      column('part', 'integer', (c) => c.part),
      column('last_step', 'bigint', (c) => c.lastStep),
      column('count', 'integer', (c) => c.count),
      column('encoding', 'integer', () => CHUNK_ENCODING_COLUMNS),
      column('steps', 'bytea', (c) => toBuffer(c.steps)),
      column('timestamps', 'bytea', (c) => toBuffer(c.timestamps)),
      column('vals', 'bytea', (c) => toBuffer(c.values)),
    ],
    // A chunk is named by its batch: the same batch stored twice is the same rows.
    conflict: 'on conflict do nothing',
  };
}

const toBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** Where a chunk lies and whose it is, without its columns. */
export type ChunkSpan = Pick<MetricChunksTable, 'first_step' | 'batch' | 'part' | 'last_step' | 'count'>;

/** A stored chunk with its columns still packed. */
export type StoredChunk = ChunkSpan & Pick<MetricChunksTable, 'encoding' | 'steps' | 'timestamps' | 'vals'>;

/** An inclusive range of steps; an absent end is unbounded. */
export interface StepRange {
  startStep?: number | undefined;
  endStep?: number | undefined;
}

/** The chunks of one metric that may hold points in `range`, in key order (first step, batch, part). */
function chunksIn(db: Executor, runId: string, key: string, range: StepRange) {
  let query = db.selectFrom('metric_chunks').where('run_id', '=', runId).where('key', '=', key);
  if (range.endStep !== undefined) query = query.where('first_step', '<=', range.endStep);
  if (range.startStep !== undefined) query = query.where('last_step', '>=', range.startStep);
  return query.orderBy('first_step').orderBy('batch').orderBy('part');
}

/** The spans of one metric's chunks that may hold points in `range`: no columns are read. */
export async function metricChunkSpans(
  db: Executor,
  runId: string,
  key: string,
  range: StepRange = {},
): Promise<ChunkSpan[]> {
  return chunksIn(db, runId, key, range).select(['first_step', 'batch', 'part', 'last_step', 'count']).execute();
}

/**
 * The spans of one metric's chunks that may hold points in `range`, nearest one end of the history first: by first
 * step from the start, or by last step from the end. `offset` and `limit` page through them, so finding an end of a
 * long history reads the few spans near it rather than all of them.
 */
export async function metricChunkSpansFromEnd(
  db: Executor,
  runId: string,
  key: string,
  range: StepRange,
  end: 'first' | 'last',
  page: { offset: number; limit: number },
): Promise<ChunkSpan[]> {
  let query = db
    .selectFrom('metric_chunks')
    .select(['first_step', 'batch', 'part', 'last_step', 'count'])
    .where('run_id', '=', runId)
    .where('key', '=', key);
  if (range.endStep !== undefined) query = query.where('first_step', '<=', range.endStep);
  if (range.startStep !== undefined) query = query.where('last_step', '>=', range.startStep);
  query =
    end === 'first'
      ? query.orderBy('first_step').orderBy('batch').orderBy('part')
      : query.orderBy('last_step', 'desc').orderBy('batch').orderBy('part');
  return query.limit(page.limit).offset(page.offset).execute();
}

const STORED = [
  'first_step',
  'batch',
  'part',
  'last_step',
  'count',
  'encoding',
  'steps',
  'timestamps',
  'vals',
] as const;

/** One metric's chunks that may hold points in `range`, with their columns. */
export async function metricChunks(
  db: Executor,
  runId: string,
  key: string,
  range: StepRange = {},
): Promise<StoredChunk[]> {
  return chunksIn(db, runId, key, range).select(STORED).execute();
}

/** One metric's chunks whose first step lies in [from, to], with their columns, in key order. */
export async function metricChunksStartingIn(
  db: Executor,
  runId: string,
  key: string,
  from: number,
  to: number,
): Promise<StoredChunk[]> {
  return db
    .selectFrom('metric_chunks')
    .select(STORED)
    .where('run_id', '=', runId)
    .where('key', '=', key)
    .where('first_step', '>=', from)
    .where('first_step', '<=', to)
    .orderBy('first_step')
    .orderBy('batch')
    .orderBy('part')
    .execute();
}

/** One chunk named by its span, with its columns. */
export async function metricChunkAt(db: Executor, runId: string, key: string, span: ChunkSpan): Promise<StoredChunk> {
  return db
    .selectFrom('metric_chunks')
    .select(STORED)
    .where('run_id', '=', runId)
    .where('key', '=', key)
    .where('first_step', '=', span.first_step)
    .where('batch', '=', span.batch)
    .where('part', '=', span.part)
    .executeTakeFirstOrThrow();
}

/** The keys a run has chunks of, in no particular order. */
export async function chunkedMetricKeys(db: Executor, runId: string): Promise<string[]> {
  const rows = await db.selectFrom('metric_chunks').select('key').distinct().where('run_id', '=', runId).execute();
  return rows.map((r) => r.key);
}

/** A stored chunk's points. Throws MalformedChunk when its columns were cut or padded. */
export function columnsOf(chunk: StoredChunk): ChunkColumns {
  return unpackChunk(Number(chunk.count), Number(chunk.encoding), chunk.steps, chunk.timestamps, chunk.vals);
}

/** A stored chunk's row as the decoder takes it. */
export function storedColumnsOf(chunk: StoredChunk): StoredColumns {
  return {
    count: Number(chunk.count),
    encoding: Number(chunk.encoding),
    steps: chunk.steps,
    timestamps: chunk.timestamps,
    values: chunk.vals,
  };
}
