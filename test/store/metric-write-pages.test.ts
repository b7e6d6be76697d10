import { readFile } from 'node:fs/promises';
import SqliteDatabase from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { parseBackendUri } from '../../src/domain/config/backend-uri.js';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';

const sqlite = backends.find((b) => b.name === 'sqlite')!;
const KEYS = 10;

/** The pages a WAL holds, by the table or index each belongs to (SQLite's `dbstat`), one count per frame. */
async function walPagesByTree(path: string, connection: SqliteDatabase.Database): Promise<Map<string, number>> {
  const wal = await readFile(`${path}-wal`);
  const pageSize = wal.readUInt32BE(8);
  const trees = new Map<number, string>();
  for (const row of connection.prepare('select name, pageno from dbstat').all() as { name: string; pageno: number }[]) {
    trees.set(row.pageno, row.name);
  }
  const pages = new Map<string, number>();
  // A WAL is a 32-byte header, then frames: a 24-byte header (the page number first) and the page.
  for (let offset = 32; offset + 24 + pageSize <= wal.length; offset += 24 + pageSize) {
    const tree = trees.get(wal.readUInt32BE(offset)) ?? 'other';
    pages.set(tree, (pages.get(tree) ?? 0) + 1);
  }
  return pages;
}

describe('pages a metric batch writes on SQLite', () => {
  const api = useTestServer(sqlite);

  it('appends a batch of ten metrics in a few pages of the chunk table, not a page or more per key', async () => {
    const { body } = await api.call<{ run: { runId: string } }>('POST', '/api/v1/runs', { experimentId: '0' });
    const runId = body.run.runId;
    const log = async (step: number, pointsPerKey: number) => {
      const series = Array.from({ length: KEYS }, (_, k) => {
        const steps = Array.from({ length: pointsPerKey }, (_, i) => step * pointsPerKey + i);
        return { key: `metric_${k}`, steps, timestamps: steps, values: steps.map((s) => Math.sin(s + k)) };
      });
      const reply = await api.call('POST', `/api/v1/runs/${runId}/batch`, { series });
      expect(reply.status).toBe(200);
    };
    // A run already hundreds of batches long, so every key's chunks span many pages.
    for (let step = 0; step < 300; step++) await log(step, 1);

    const location = parseBackendUri(api.backendUri);
    if (location.kind !== 'sqlite') throw new Error('expected a SQLite database');
    const connection = new SqliteDatabase(location.path);
    try {
      connection.pragma('wal_checkpoint(TRUNCATE)');
      await log(300, 1);
      const pages = await walPagesByTree(location.path, connection);
      // Clustered by key, the chunks went to ten places, a page or more each; appended, they share a few. The index
      // of their spans still takes about a page a key.
      expect(pages.get('metric_chunks')).toBeLessThanOrEqual(4);
      expect(pages.get('metric_chunk_spans')).toBeLessThanOrEqual(2 * KEYS);
    } finally {
      connection.close();
    }
  });
});
