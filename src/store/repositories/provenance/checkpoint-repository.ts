import type { SignedCheckpoint } from '../../../domain/provenance/checkpoint.js';
import type { AuditCheckpointsTable } from '../../schema-provenance.js';
import type { Executor } from '../../store.js';

export function toCheckpoint(row: AuditCheckpointsTable): SignedCheckpoint {
  return {
    treeSize: row.tree_size,
    rootHash: row.root_hash,
    time: row.checkpoint_time,
    keyId: row.key_id,
    signature: row.signature,
  };
}

/** Stores a checkpoint; a second one for the same size and key (a replica racing this one) is dropped. */
export async function insertCheckpoint(db: Executor, checkpoint: SignedCheckpoint): Promise<boolean> {
  const result = await db
    .insertInto('audit_checkpoints')
    .values({
      tree_size: checkpoint.treeSize,
      key_id: checkpoint.keyId,
      root_hash: checkpoint.rootHash,
      checkpoint_time: checkpoint.time,
      signature: checkpoint.signature,
    })
    .onConflict((oc) => oc.columns(['tree_size', 'key_id']).doNothing())
    .executeTakeFirst();
  return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
}

export async function latestCheckpoint(db: Executor): Promise<SignedCheckpoint | undefined> {
  const row = await db
    .selectFrom('audit_checkpoints')
    .selectAll()
    .orderBy('tree_size', 'desc')
    .orderBy('checkpoint_time', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row && toCheckpoint(row);
}

export async function checkpointAt(db: Executor, treeSize: number): Promise<SignedCheckpoint | undefined> {
  const row = await db
    .selectFrom('audit_checkpoints')
    .selectAll()
    .where('tree_size', '=', treeSize)
    .orderBy('checkpoint_time', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row && toCheckpoint(row);
}

/** Checkpoints in tree-size order after a position (keyset paging over (tree_size, key_id)). */
export async function checkpointsPage(
  db: Executor,
  after: { treeSize: number; keyId: string } | undefined,
  limit: number,
): Promise<SignedCheckpoint[]> {
  let query = db.selectFrom('audit_checkpoints').selectAll();
  if (after) {
    query = query.where((eb) =>
      eb.or([
        eb('tree_size', '>', after.treeSize),
        eb.and([eb('tree_size', '=', after.treeSize), eb('key_id', '>', after.keyId)]),
      ]),
    );
  }
  const rows = await query.orderBy('tree_size').orderBy('key_id').limit(limit).execute();
  return rows.map(toCheckpoint);
}

/** Whether anything other than checkpoint records was logged after a tree size: only then is a new one worth it. */
export async function grewSince(db: Executor, treeSize: number, checkpointAction: string): Promise<boolean> {
  const row = await db
    .selectFrom('audit_events')
    .select('seq')
    .where('seq', '>', treeSize)
    .where('action', '<>', checkpointAction)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
