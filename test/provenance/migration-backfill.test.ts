import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Migrator } from 'kysely';
import { describe, expect, it } from 'vitest';
import { startServer } from '../../src/api/server.js';
import { auditVerify } from '../../src/cli/audit-command.js';
import { parseBackendUri } from '../../src/domain/config/backend-uri.js';
import { type AuditEvent, auditEventHash, stateDigest } from '../../src/domain/provenance/audit-event.js';
import { inclusionBundleProblem } from '../../src/domain/provenance/inclusion-proof-bundle.js';
import { parseTrustedKeys } from '../../src/domain/provenance/trusted-keys.js';
import { openPostgres } from '../../src/store/dialect/postgres.js';
import { openSqlite } from '../../src/store/dialect/sqlite.js';
import { migrationProvider } from '../../src/store/migrations/index.js';
import { backends } from '../support/backends.js';

describe.each(backends)('upgrading a log written before the Merkle tree on $name', (backend) => {
  it('adds old events to the tree, proves them, and still detects their tampering', async () => {
    const database = await backend.create();
    const dir = await mkdtemp(join(tmpdir(), 'mnemo-backfill-'));
    try {
      // A database at the audit-chain stage, with events logged as digests only.
      const location = parseBackendUri(database.uri);
      const old = location.kind === 'sqlite' ? openSqlite(location.path) : openPostgres(location.connectionString);
      const migrator = new Migrator({ db: old.db, provider: migrationProvider(old.dialect) });
      expect((await migrator.migrateTo('0002-audit')).error).toBeUndefined();
      let prevHash = '0'.repeat(64);
      for (let seq = 1; seq <= 37; seq++) {
        const event: AuditEvent = {
          seq,
          time: 1_700_000_000_000 + seq,
          actor: 'legacy',
          action: 'legacy.change',
          entityKind: 'note',
          entityId: `n${seq}`,
          stateDigest: stateDigest({ seq }),
          requestId: `r${seq}`,
          prevHash,
        };
        const hash = auditEventHash(event);
        await old.db
          .insertInto('audit_events')
          .values({
            seq,
            event_time: event.time,
            actor: event.actor,
            action: event.action,
            entity_kind: event.entityKind,
            entity_id: event.entityId,
            state_digest: event.stateDigest,
            request_id: event.requestId,
            prev_hash: prevHash,
            hash,
          })
          .execute();
        prevHash = hash;
      }
      await old.db.updateTable('audit_head').set({ last_seq: 37, last_hash: prevHash }).execute();
      await old.close();

      const server = await startServer({
        host: '127.0.0.1',
        port: 0,
        backendStoreUri: database.uri,
        artifactsDestination: join(dir, 'artifacts'),
        signingKeyFile: join(dir, 'key.pem'),
        checkpointIntervalMinutes: 0,
      });
      try {
        await fetch(`${server.url}/api/v1/experiments`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'after-upgrade' }),
        });
        expect((await fetch(`${server.url}/api/v1/audit/checkpoints`, { method: 'POST' })).status).toBe(201);
        const keys = parseTrustedKeys(await (await fetch(`${server.url}/api/v1/keys`)).text());
        for (const seq of [1, 20, 37, 38]) {
          const proof = await (await fetch(`${server.url}/api/v1/audit/events/${seq}/proof`)).json();
          expect(inclusionBundleProblem(proof, keys), `seq ${seq}`).toBeUndefined();
        }
        const clean = await auditVerify({ backendStoreUri: database.uri });
        expect(clean.stderr).toBe('');
        expect(clean.code).toBe(0);
        await server.store.db.updateTable('audit_events').set({ entity_id: 'forged' }).where('seq', '=', 20).execute();
        const tampered = await auditVerify({ backendStoreUri: database.uri });
        expect(tampered.stderr).toMatch(/^FAILED: event 20 was edited/);
      } finally {
        await server.close();
      }
    } finally {
      await database.drop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
