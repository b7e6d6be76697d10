import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditTrail } from '../../src/services/provenance/verify/audit-verifier.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { backends } from '../support/backends.js';
import { given } from '../support/builders.js';
import { useProvenanceServer } from './support/provenance-server.js';

/**
 * The log walk gathers every run's expectation in one pass while they fit in its bound, and runs read their own
 * events back when they do not: both ways must report exactly the same thing.
 */
describe.each(backends)('audit verify with and without gathered run expectations on $name', (backend) => {
  const api = useProvenanceServer(backend);
  let db: Store;
  const runIds: string[] = [];
  const gathered = () => verifyAuditTrail(db.db);
  const eachOnItsOwn = () => verifyAuditTrail(db.db, { runValuesGathered: 0 });

  beforeAll(async () => {
    const experiment = await given(api).experiment('sweep');
    const runs = [];
    for (const name of ['a', 'b', 'c']) runs.push(await experiment.run({ runName: name }));
    runIds.push(...runs.map((r) => r.runId));
    // Interleaved histories, as concurrent training jobs leave them.
    for (let step = 0; step < 4; step++) {
      for (const [i, run] of runs.entries()) {
        await run.log({
          params: { [`p${step}`]: String(step * 10 + i) },
          tags: { progress: String(step) },
          metrics: [{ key: 'loss', value: 1 / (step + 1), step, timestamp: 1000 + step }],
        });
      }
    }
    await api.upload(runIds[0]!, 'model/weights.bin', 'weights');
    await runs[1]!.finish();
    db = await openStore(api.backendUri);
  });
  afterAll(async () => db?.close());

  it('pass an untouched database alike', async () => {
    const [one, other] = [await gathered(), await eachOnItsOwn()];
    expect(one.problems).toEqual([]);
    expect(other).toEqual(one);
    // The default experiment, the sweep and its three runs.
    expect(one.entities).toBe(5);
  });

  it('report the same tampering with params, tags, artifacts and whole runs', async () => {
    const [a, b, c] = runIds as [string, string, string];
    await db.db
      .updateTable('run_params')
      .set({ value: '999' })
      .where('run_id', '=', a)
      .where('key', '=', 'p2')
      .execute();
    await db.db.deleteFrom('run_tags').where('run_id', '=', b).where('key', '=', 'progress').execute();
    await db.db.updateTable('artifacts').set({ size: 1 }).where('run_id', '=', a).execute();
    await db.db.deleteFrom('runs').where('run_id', '=', c).execute();
    const [one, other] = [await gathered(), await eachOnItsOwn()];
    expect(other).toEqual(one);
    const messages = one.problems.map((p) => p.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`run ${a}: param 'p2' is "999"`)),
        expect.stringMatching(new RegExp(`run ${b}: tag 'progress' recorded by event \\d+ is gone`)),
        expect.stringMatching(new RegExp(`run ${a}: artifact 'model/weights.bin' is .*1 bytes`)),
        expect.stringMatching(new RegExp(`run ${c}, created by event \\d+, was deleted from the database`)),
      ]),
    );
    expect(one.problems.map((p) => p.kind).sort()).toEqual([
      'entity-changed',
      'entity-changed',
      'entity-changed',
      'entity-missing',
    ]);
  });
});
