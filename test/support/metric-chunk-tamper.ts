import { unpackChunk } from '../../src/domain/metrics/metric-chunks.js';
import type { MetricChunksTable } from '../../src/store/schema.js';
import type { Store } from '../../src/store/store.js';

/**
 * Edits stored metric chunks behind the server's back, as someone with write access to the database could: each
 * change returns how to put the chunk back exactly as it was.
 */
export function chunkTamper(store: Store, runId: string, key: string) {
  const rows = () =>
    store.db.selectFrom('metric_chunks').selectAll().where('run_id', '=', runId).where('key', '=', key).execute();

  /** The chunk holding `step`, and the point's position in it. */
  async function chunkOf(step: number): Promise<{ row: MetricChunksTable; index: number }> {
    for (const row of await rows()) {
      const columns = unpackChunk(row.count, row.encoding, row.steps, row.timestamps, row.vals);
      const index = columns.steps.indexOf(step);
      if (index >= 0) return { row, index };
    }
    throw new Error(`no chunk of ${key} holds step ${step}`);
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

    /** Overwrites the value of the point at `step` in its chunk's packed bytes. */
    async setValue(step: number, value: number) {
      const { row, index } = await chunkOf(step);
      const vals = Buffer.from(row.vals);
      vals.writeDoubleLE(value, index * 8);
      await where(row).set({ vals }).execute();
      return restoring(row);
    },

    /** Flips one byte of the chunk's packed values. */
    async flipByte(step: number) {
      const { row, index } = await chunkOf(step);
      const vals = Buffer.from(row.vals);
      vals[index * 8] = vals[index * 8]! ^ 0x01;
      await where(row).set({ vals }).execute();
      return restoring(row);
    },

    /** Cuts the point at `step` out of its chunk (it must not be the chunk's first). */
    async removePoint(step: number) {
      const { row, index } = await chunkOf(step);
      const cut = (bytes: Uint8Array) =>
        Buffer.concat([Buffer.from(bytes).subarray(0, index * 8), Buffer.from(bytes).subarray(index * 8 + 8)]);
      await where(row)
        .set({ count: row.count - 1, steps: cut(row.steps), timestamps: cut(row.timestamps), vals: cut(row.vals) })
        .execute();
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
