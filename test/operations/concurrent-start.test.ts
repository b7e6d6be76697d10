import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { MIGRATION_NAMES } from '../../src/store/migrations/index.js';
import { openStore } from '../../src/store/open-store.js';
import { backends } from '../support/backends.js';
import { type CliServer, startCliServer, stopped } from '../support/cli-server.js';

/**
 * Replicas of a new release are usually started together against a database the release has not migrated yet. They
 * must not race: each migration is applied exactly once, and every replica comes up serving the upgraded schema.
 */
describe.each(backends)('replicas starting at once on an empty $name database', (backend) => {
  it('apply each migration once and all serve', { timeout: 120_000 }, async () => {
    const database = await backend.create();
    const artifacts = await mkdtemp(join(tmpdir(), 'mnemo-concurrent-start-'));
    const started: CliServer[] = [];
    try {
      const starts = await Promise.allSettled(
        [1, 2].map(() =>
          startCliServer(['--port', '0', '--backend-store-uri', database.uri, '--artifacts-destination', artifacts]),
        ),
      );
      for (const start of starts) if (start.status === 'fulfilled') started.push(start.value);
      expect(starts.map((s) => (s.status === 'rejected' ? String(s.reason) : 'started'))).toEqual([
        'started',
        'started',
      ]);

      // Each replica writes and reads through the upgraded schema.
      for (const [i, server] of started.entries()) {
        const created = await fetch(`${server.url}/api/v1/experiments`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name: `from-replica-${i}` }),
        });
        expect(created.status).toBe(201);
        expect((await fetch(`${server.url}/ready`)).status).toBe(200);
      }

      const store = await openStore(database.uri);
      try {
        const applied = await sql<{ name: string }>`select name from kysely_migration`.execute(store.db);
        const names = applied.rows.map((row) => row.name);
        expect(names.length).toBe(new Set(names).size);
        expect(new Set(names)).toEqual(new Set(MIGRATION_NAMES));
      } finally {
        await store.close();
      }
    } finally {
      for (const server of started) {
        server.child.kill('SIGTERM');
        await stopped(server.child);
      }
      await database.drop();
      await rm(artifacts, { recursive: true, force: true });
    }
  });
});
