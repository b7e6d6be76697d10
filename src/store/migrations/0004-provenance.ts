import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';

// The tables this migration reads and writes, as they stood when it was written: it must keep doing the same thing
// whatever later code makes of them, so it carries its own hashing below rather than importing today's.
interface Tables {
  audit_events: AuditEventRow;
  audit_head: { last_seq: number };
  audit_settings: { key: string; value: string };
  audit_merkle_nodes: { level: number; idx: number; hash: string };
}

interface AuditEventRow {
  seq: number;
  event_time: number;
  actor: string;
  action: string;
  entity_kind: string;
  entity_id: string;
  state_digest: string;
  request_id: string;
  prev_hash: string;
  hash: string;
}

/**
 * Event states, the Merkle log over the audit events, signing keys, checkpoints and attestations. Events written
 * before this migration are added to the Merkle log here; their states were never kept, which the audit settings
 * record so verification knows where state checks begin.
 */
export async function up(raw: Kysely<unknown>): Promise<void> {
  const db = raw as unknown as Kysely<Tables>;
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

async function backfillMerkleLog(db: Kysely<Tables>): Promise<void> {
  const frontier = new Frontier();
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
    const nodes = rows.flatMap((row) => frontier.append(leafHash(leafJson(row))));
    for (let start = 0; start < nodes.length; start += 500) {
      await db
        .insertInto('audit_merkle_nodes')
        .values(
          nodes.slice(start, start + 500).map((n) => ({ level: n.level, idx: n.index, hash: n.hash.toString('hex') })),
        )
        .execute();
    }
    after = rows.at(-1)!.seq;
  }
}

/**
 * An event's Merkle leaf: the canonical JSON (RFC 8785: keys sorted, strings and numbers as JSON.stringify writes
 * them) of the event's fields and its own hash.
 */
function leafJson(row: AuditEventRow): string {
  const text = JSON.stringify;
  return (
    `{"action":${text(row.action)},"actor":${text(row.actor)},"entityId":${text(row.entity_id)},` +
    `"entityKind":${text(row.entity_kind)},"hash":${text(row.hash)},"prevHash":${text(row.prev_hash)},` +
    `"requestId":${text(row.request_id)},"seq":${text(row.seq)},"stateDigest":${text(row.state_digest)},` +
    `"time":${text(row.event_time)}}`
  );
}

// RFC 6962 hashing with SHA-256: leaves and interior nodes get different one-byte prefixes.
const leafHash = (leaf: string): Buffer =>
  createHash('sha256')
    .update(Buffer.from([0x00]))
    .update(leaf, 'utf8')
    .digest();
const nodeHash = (left: Buffer, right: Buffer): Buffer =>
  createHash('sha256')
    .update(Buffer.from([0x01]))
    .update(left)
    .update(right)
    .digest();

interface MerkleNode {
  level: number;
  index: number;
  hash: Buffer;
}

/** The roots of the perfect subtrees the leaves so far split into: enough to append leaves in O(log n) memory. */
class Frontier {
  private readonly stack: MerkleNode[] = [];
  private count = 0;

  /** Adds a leaf hash and returns every perfect subtree it completed, the leaf itself first. */
  append(leaf: Buffer): MerkleNode[] {
    let carry: MerkleNode = { level: 0, index: this.count, hash: leaf };
    const completed = [carry];
    while (this.stack.length > 0 && this.stack.at(-1)!.level === carry.level) {
      const left = this.stack.pop()!;
      carry = { level: carry.level + 1, index: left.index / 2, hash: nodeHash(left.hash, carry.hash) };
      completed.push(carry);
    }
    this.stack.push(carry);
    this.count += 1;
    return completed;
  }
}
