import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditTrail } from '../../src/services/provenance/verify/audit-verifier.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { backends } from '../support/backends.js';
import { useProvenanceServer } from './support/provenance-server.js';

/**
 * Stored Merkle nodes are compared a range at a time; whatever is done to single nodes of a range must still be named
 * node by node.
 */
describe.each(backends)('audit verify compares the stored Merkle nodes on $name', (backend) => {
  const api = useProvenanceServer(backend);
  let db: Store;

  beforeAll(async () => {
    for (let i = 0; i < 6; i++) await api.call('POST', '/api/v1/experiments', { name: `e${i}` });
    db = await openStore(api.backendUri);
  });
  afterAll(async () => db?.close());

  const leaf = async (idx: number) =>
    (
      await db.db
        .selectFrom('audit_merkle_nodes')
        .select('hash')
        .where('level', '=', 0)
        .where('idx', '=', idx)
        .executeTakeFirstOrThrow()
    ).hash;
  const setLeaf = (idx: number, hash: string) =>
    db.db.updateTable('audit_merkle_nodes').set({ hash }).where('level', '=', 0).where('idx', '=', idx).execute();
  const messages = async () => (await verifyAuditTrail(db.db)).problems.map((p) => p.message);

  it('passes untouched nodes', async () => {
    expect(await messages()).toEqual([]);
  });

  it('names a deleted node', async () => {
    const kept = await leaf(1);
    await db.db.deleteFrom('audit_merkle_nodes').where('level', '=', 0).where('idx', '=', 1).execute();
    expect(await messages()).toEqual([
      'the stored Merkle node over events 2 to 2 was deleted: proofs served from it would not verify',
    ]);
    await db.db.insertInto('audit_merkle_nodes').values({ level: 0, idx: 1, hash: kept }).execute();
    expect(await messages()).toEqual([]);
  });

  it('names both nodes when the boundary between two is moved, though their text joined is unchanged', async () => {
    const [first, second] = [await leaf(2), await leaf(3)];
    await setLeaf(2, first.slice(0, 63));
    await setLeaf(3, first.slice(63) + second);
    expect(await messages()).toEqual([
      'the stored Merkle node over events 3 to 3 was altered: proofs served from it would not verify',
      'the stored Merkle node over events 4 to 4 was altered: proofs served from it would not verify',
    ]);
    await setLeaf(2, first);
    await setLeaf(3, second);
    expect(await messages()).toEqual([]);
  });
});
