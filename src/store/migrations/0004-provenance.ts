import type { Kysely } from 'kysely';
import { auditLeafBytes } from '../../domain/provenance/audit-event.js';
import { MerkleFrontier } from '../../domain/provenance/merkle-frontier.js';
import { leafHash } from '../../domain/provenance/merkle-hash.js';
import { toStoredEvent } from '../repositories/provenance/audit-event-rows.js';
import { insertMerkleNodes } from '../repositories/provenance/merkle-node-repository.js';
import type { Executor } from '../store.js';

/**
 * Event states, the Merkle log over the audit events, signing keys, checkpoints and attestations. Events written
 * before this migration are added to the Merkle log here; their states were never kept, which the audit settings
 * record so verification knows where state checks begin.
 */
export async function up(raw: Kysely<unknown>): Promise<void> {
  const db = raw as unknown as Executor;
  await db.schema
    .createTable('audit_states')
    .addColumn('seq', 'bigint', (c) => c.primaryKey())
    .addColumn('state', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('audit_merkle_nodes')
    .addColumn('level', 'integer', (c) => c.notNull())
    .addColumn('idx', 'bigint', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('audit_merkle_nodes_pk', ['level', 'idx'])
    .execute();
  await db.schema
    .createTable('signing_keys')
    .addColumn('key_id', 'text', (c) => c.primaryKey())
    .addColumn('algorithm', 'text', (c) => c.notNull())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('created_time', 'bigint', (c) => c.notNull())
    .addColumn('retired_time', 'bigint')
    .execute();
  await db.schema
    .createTable('audit_checkpoints')
    .addColumn('tree_size', 'bigint', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('root_hash', 'text', (c) => c.notNull())
    .addColumn('checkpoint_time', 'bigint', (c) => c.notNull())
    .addColumn('signature', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('audit_checkpoints_pk', ['tree_size', 'key_id'])
    .execute();
  await db.schema
    .createTable('attestations')
    .addColumn('attestation_id', 'text', (c) => c.primaryKey())
    .addColumn('subject_kind', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'text', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('envelope', 'text', (c) => c.notNull())
    .addColumn('created_time', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('attestations_subject')
    .on('attestations')
    .columns(['subject_kind', 'subject_id', 'created_time'])
    .execute();
  await db.schema
    .createTable('audit_settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
  // Browsing filters by actor, action and time.
  await db.schema.createIndex('audit_events_time').on('audit_events').column('event_time').execute();

  const { last_seq } = await db.selectFrom('audit_head').select('last_seq').executeTakeFirstOrThrow();
  await db
    .insertInto('audit_settings')
    .values({ key: 'states_from_seq', value: String(last_seq + 1) })
    .execute();
  await backfillMerkleLog(db);
}

async function backfillMerkleLog(db: Executor): Promise<void> {
  const frontier = MerkleFrontier.empty();
  let after = 0;
  for (;;) {
    const rows = await db
      .selectFrom('audit_events')
      .selectAll()
      .where('seq', '>', after)
      .orderBy('seq')
      .limit(1000)
      .execute();
    if (rows.length === 0) return;
    const nodes = rows.flatMap((row) => frontier.append(leafHash(auditLeafBytes(toStoredEvent(row)))));
    await insertMerkleNodes(db, nodes);
    after = rows.at(-1)!.seq;
  }
}
