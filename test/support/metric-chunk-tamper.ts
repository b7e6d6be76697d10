import { packPoints, unpackChunk } from '../../src/domain/metrics/metric-chunks.js';
import type { MetricChunksTable } from '../../src/store/schema.js';
import type { Store } from '../../src/store/store.js';

/**
 * Edits stored metric chunks behind the server's back, as someone with write access to the database could: each
 * change returns how to put the chunk back exactly as it was.
 */
export function chunkTamper(store: Store, runId: string, key: string) {
  const rows = () =>
    store.db.selectFrom('metric_chunks').selectAll().where('run_id', '=', runId).where('key', '=', key).execute();

  /** The chunk holding `step`, its points, and the point's position among them. */
  async function chunkOf(step: number) {
    for (const row of await rows()) {
      const columns = unpackChunk(row.count, row.encoding, row.steps, row.timestamps, row.vals);
      const index = columns.steps.indexOf(step);
      const points = Array.from({ length: columns.count }, (_, i) => ({
        key,
        step: columns.steps[i]!,
        timestamp: columns.timestamps[i]!,
        value: columns.values[i]!,
      }));
      if (index >= 0) return { row, index, points };
    }
    throw new Error(`no chunk of ${key} holds step ${step}`);
  }

  /** Writes `points` into the chunk `row` in place, packed as ingest packs them. */
  async function rewrite(
    row: MetricChunksTable,
    points: { key: string; step: number; timestamp: number; value: number }[],
  ) {
    const [packed] = packPoints(points);
    await where(row)
      .set({ count: points.length, steps: packed!.steps, timestamps: packed!.timestamps, vals: packed!.values })
      .execute();
  }

  const where = (row: MetricChunksTable) =>
    store.db
      .updateTable('metric_chunks')
      .where('run_id', '=', runId)
      .where('key', '=', row.key)
      .where('first_step', '=', row.first_step)
      .where('batch', '=', row.batch)
      .where('part', '=', row.part);

  const restoring = (row: MetricChunksTable) => async () => {
    await where(row)
      .set({ count: row.count, last_step: row.last_step, steps: row.steps, timestamps: row.timestamps, vals: row.vals })
      .execute();
  };

  return {
    batchOf: async (step: number) => (await chunkOf(step)).row.batch,

    /** Changes the value of the point at `step`, repacking its chunk. */
    async setValue(step: number, value: number) {
      const { row, index, points } = await chunkOf(step);
      points[index]!.value = value;
      await rewrite(row, points);
      return restoring(row);
    },

    /** Flips one byte in the middle of the chunk's packed values. */
    async flipByte(step: number) {
      const { row } = await chunkOf(step);
      const vals = Buffer.from(row.vals);
      const middle = Math.floor(vals.length / 2);
      vals[middle] = vals[middle]! ^ 0x01;
      await where(row).set({ vals }).execute();
      return restoring(row);
    },

    /** Cuts the point at `step` out of its chunk (it must not be the chunk's first). */
    async removePoint(step: number) {
      const { row, index, points } = await chunkOf(step);
      points.splice(index, 1);
      await rewrite(row, points);
      return restoring(row);
    },

    /** Deletes every chunk of the key. */
    async removeAll() {
      const removed = await rows();
      await store.db.deleteFrom('metric_chunks').where('run_id', '=', runId).where('key', '=', key).execute();
      return async () => {
        await store.db.insertInto('metric_chunks').values(removed).execute();
      };
    },
  };
}
