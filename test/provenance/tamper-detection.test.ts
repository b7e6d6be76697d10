import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditVerify } from '../../src/cli/audit-command.js';
import { signCheckpoint } from '../../src/domain/provenance/checkpoint.js';
import { describePublicKey, keyIdOf } from '../../src/domain/provenance/signing-key.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { backends } from '../support/backends.js';
import { given, series } from '../support/builders.js';
import { CLI_BUNDLE } from '../support/cli-bundle.js';
import { chunkTamper } from '../support/metric-chunk-tamper.js';
import { useProvenanceServer } from './support/provenance-server.js';
import { sha256 } from './support/sha256.js';

type Event = { seq: number; action: string; entityKind: string; entityId: string };

describe.each(backends)('mnemo audit verify finds tampering on $name', (backend) => {
  const api = useProvenanceServer(backend);
  let db: Store;
  let runId: string;
  let experimentId: string;
  let events: Event[];
  const verify = (key?: string) => auditVerify({ backendStoreUri: api.backendUri, key });
  const seqOf = (action: string) => events.find((e) => e.action === action)!.seq;

  beforeAll(async () => {
    const experiment = await given(api).experiment('vision');
    experimentId = experiment.experimentId;
    const run = await experiment.run({ runName: 'baseline', tags: { 'mlflow.source.git.commit': 'abc123' } });
    runId = run.runId;
    const losses = series(
      'loss',
      Array.from({ length: 50 }, (_, i) => 1 / (i + 1)),
    );
    await run.log({ params: { lr: '0.01', optimizer: 'adam' }, tags: { team: 'vision' }, metrics: losses });
    // A retry of the same points plus one new one: only the new point is stored, and only it may be recorded.
    await run.log({ metrics: [...losses, { key: 'accuracy', value: 0.75, step: 3, timestamp: 1003 }] });
    await api.upload(runId, 'model/weights.bin', 'weights');
    await api.server.services.runs.setTag(runId, { key: 'stage', value: 'trained' });
    await run.finish();
    await api.call('POST', '/api/v1/audit/checkpoints');
    await api.call('PATCH', `/api/v1/experiments/${experimentId}`, { name: 'vision-v2' });
    await api.call('POST', '/api/v1/audit/checkpoints');
    events = (await api.call<{ events: Event[] }>('GET', '/api/v1/audit/events?maxResults=1000')).body.events;
    db = await openStore(api.backendUri);
  });
  afterAll(async () => db?.close());

  /** Applies a change behind the server's back, checks what verify says, undoes it and checks all is well again. */
  async function detect(tamper: () => Promise<() => Promise<void>>, expected: RegExp, key?: string) {
    const undo = await tamper();
    const result = await verify(key);
    expect(result.code, result.stdout).toBe(1);
    expect(result.stderr).toMatch(expected);
    await undo();
    const clean = await verify(key);
    expect(clean.code, clean.stderr).toBe(0);
    return result.stderr;
  }

  it('passes an untouched database', async () => {
    const result = await verify();
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`OK: the audit trail is intact: ${events.length} events, 2 checkpoints`));
  });

  it('finds a param value edited in the database, naming the batch that logged it', async () => {
    const batchSeq = seqOf('run.log_batch');
    await detect(
      async () => {
        await db.db
          .updateTable('run_params')
          .set({ value: '0.5' })
          .where('run_id', '=', runId)
          .where('key', '=', 'lr')
          .execute();
        return async () => {
          await db.db
            .updateTable('run_params')
            .set({ value: '0.01' })
            .where('run_id', '=', runId)
            .where('key', '=', 'lr')
            .execute();
        };
      },
      new RegExp(`FAILED: run ${runId}: param 'lr' is "0.5" but event ${batchSeq} recorded "0.01"`),
    );
  });

  it('finds a deleted event', async () => {
    const seq = seqOf('run.create');
    await detect(
      async () => {
        const row = await db.db.selectFrom('audit_events').selectAll().where('seq', '=', seq).executeTakeFirstOrThrow();
        await db.db.deleteFrom('audit_events').where('seq', '=', seq).execute();
        return async () => {
          await db.db.insertInto('audit_events').values(row).execute();
        };
      },
      new RegExp(`FAILED: event ${seq} is missing: it was deleted`),
    );
  });

  it('finds two swapped events', async () => {
    const a = seqOf('run.log_batch');
    const b = a + 1;
    const swap = async () => {
      await db.db.updateTable('audit_events').set({ seq: -1 }).where('seq', '=', a).execute();
      await db.db.updateTable('audit_events').set({ seq: a }).where('seq', '=', b).execute();
      await db.db.updateTable('audit_events').set({ seq: b }).where('seq', '=', -1).execute();
    };
    await detect(
      async () => {
        await swap();
        return swap;
      },
      new RegExp(`FAILED: event ${a} is out of order: the row in its place is event ${b}, moved here`),
    );
  });

  it('finds an edited event and an edited recorded state', async () => {
    const seq = seqOf('artifact.upload');
    await detect(
      async () => {
        await db.db.updateTable('audit_events').set({ actor: 'mallory' }).where('seq', '=', seq).execute();
        return async () => {
          await db.db.updateTable('audit_events').set({ actor: 'anonymous' }).where('seq', '=', seq).execute();
        };
      },
      new RegExp(`FAILED: event ${seq} was edited: its content does not match its hash`),
    );
    const original = (
      await db.db.selectFrom('audit_states').select('state').where('seq', '=', seq).executeTakeFirstOrThrow()
    ).state;
    await detect(
      async () => {
        await db.db
          .updateTable('audit_states')
          .set({ state: original.replace('"size":7', '"size":8') })
          .where('seq', '=', seq)
          .execute();
        return async () => {
          await db.db.updateTable('audit_states').set({ state: original }).where('seq', '=', seq).execute();
        };
      },
      new RegExp(`FAILED: the recorded state of event ${seq} was edited`),
    );
  });

  it('finds a changed checkpoint, and a forged one when the real key is given', async () => {
    const [first] = await db.db.selectFrom('audit_checkpoints').selectAll().orderBy('tree_size').execute();
    await detect(
      async () => {
        await db.db
          .updateTable('audit_checkpoints')
          .set({ root_hash: 'a'.repeat(64) })
          .where('tree_size', '=', first!.tree_size)
          .execute();
        return async () => {
          await db.db
            .updateTable('audit_checkpoints')
            .set({ root_hash: first!.root_hash })
            .where('tree_size', '=', first!.tree_size)
            .execute();
        };
      },
      new RegExp(`FAILED: checkpoint of ${first!.tree_size} events: the checkpoint signature does not verify`),
    );

    // Someone with database access signs a checkpoint over a rewritten root with a key of their own and lists it.
    const keys = (await api.call('GET', '/api/v1/keys')).body;
    const keyFile = join(api.dir, 'keys.json');
    await writeFile(keyFile, JSON.stringify(keys));
    const { privateKey } = generateKeyPairSync('ed25519');
    const forged = signCheckpoint(
      { treeSize: first!.tree_size, rootHash: 'b'.repeat(64), time: Date.now(), keyId: keyIdOf(privateKey) },
      privateKey,
    );
    const tamper = async () => {
      await db.db
        .insertInto('signing_keys')
        .values({
          key_id: forged.keyId,
          algorithm: 'ed25519',
          public_key: describePublicKey(privateKey).publicKey,
          created_time: 1,
          retired_time: null,
        })
        .execute();
      await db.db
        .insertInto('audit_checkpoints')
        .values({
          tree_size: forged.treeSize,
          key_id: forged.keyId,
          root_hash: forged.rootHash,
          checkpoint_time: forged.time,
          signature: forged.signature,
        })
        .execute();
      return async () => {
        await db.db.deleteFrom('audit_checkpoints').where('key_id', '=', forged.keyId).execute();
        await db.db.deleteFrom('signing_keys').where('key_id', '=', forged.keyId).execute();
      };
    };
    await detect(
      tamper,
      /FAILED: checkpoint of \d+ events: the checkpoint is signed by key \w+, which is not among the trusted keys/,
      keyFile,
    );
    // Without a trusted key the forged signature verifies, but its root still does not match the log.
    await detect(tamper, /FAILED: checkpoint of \d+ events is signed but its root does not match the log/);
  });

  it('finds an experiment renamed in the database', async () => {
    const renameSeq = seqOf('experiment.rename');
    await detect(
      async () => {
        await db.db
          .updateTable('experiments')
          .set({ name: 'evil' })
          .where('experiment_id', '=', experimentId)
          .execute();
        return async () => {
          await db.db
            .updateTable('experiments')
            .set({ name: 'vision-v2' })
            .where('experiment_id', '=', experimentId)
            .execute();
        };
      },
      new RegExp(
        `FAILED: experiment ${experimentId} was changed after event ${renameSeq}: name is "evil" but the log recorded "vision-v2"`,
      ),
    );
  });

  it('finds run rows, tags, artifacts and metric points changed behind the log', async () => {
    const finish = seqOf('run.update');
    await detect(
      async () => {
        await db.db.updateTable('runs').set({ status: 'FAILED' }).where('run_id', '=', runId).execute();
        return async () => {
          await db.db.updateTable('runs').set({ status: 'FINISHED' }).where('run_id', '=', runId).execute();
        };
      },
      new RegExp(`run ${runId}: changed after event ${finish}: status is "FAILED" but the log recorded "FINISHED"`),
    );
    await detect(async () => {
      await db.db
        .updateTable('run_tags')
        .set({ value: 'def456' })
        .where('run_id', '=', runId)
        .where('key', '=', 'mlflow.source.git.commit')
        .execute();
      return async () => {
        await db.db
          .updateTable('run_tags')
          .set({ value: 'abc123' })
          .where('run_id', '=', runId)
          .where('key', '=', 'mlflow.source.git.commit')
          .execute();
      };
    }, /tag 'mlflow.source.git.commit' is "def456"/);
    await detect(async () => {
      await db.db
        .updateTable('artifacts')
        .set({ sha256: 'c'.repeat(64) })
        .where('run_id', '=', runId)
        .execute();
      return async () => {
        await db.db
          .updateTable('artifacts')
          .set({ sha256: sha256('weights') })
          .where('run_id', '=', runId)
          .execute();
      };
    }, /artifact 'model\/weights.bin' is "sha256 c{64}, 7 bytes"/);
    await detect(async () => {
      await db.db
        .insertInto('metrics')
        .values({ run_id: runId, key: 'loss', step: 99, timestamp: 5000, value: 0.0001, is_nan: 0, batch: null })
        .execute();
      return async () => {
        await db.db.deleteFrom('metrics').where('run_id', '=', runId).where('step', '=', 99).execute();
      };
    }, /has 1 metric point without a batch id but its older batches logged 0: points were inserted directly/);
  });

  it('reads long histories page by page and still names the batch of a point edited deep in them', async () => {
    const { run } = (
      await api.call<{ run: { runId: string } }>('POST', '/api/v1/runs', { experimentId, runName: 'long' })
    ).body;
    for (let start = 0; start < 30_000; start += 10_000) {
      const metrics = Array.from({ length: 10_000 }, (_, i) => ({
        key: 'loss',
        value: Math.cos(start + i),
        step: start + i,
        timestamp: 1,
      }));
      expect((await api.call('POST', `/api/v1/runs/${run.runId}/batch`, { metrics })).status).toBe(200);
    }
    const batches = (
      await api.call<{ events: Event[] }>('GET', `/api/v1/audit/events?entityId=${run.runId}&maxResults=100`)
    ).body.events.filter((e) => e.action === 'run.log_batch');
    expect(batches).toHaveLength(3);
    const third = Math.max(...batches.map((e) => e.seq));
    const chunks = chunkTamper(db, run.runId, 'loss');
    await detect(
      () => chunks.setValue(25_000, 42),
      new RegExp(`run ${run.runId}: the metric points logged by event ${third} were changed`),
    );
    // One byte of a packed chunk is enough.
    await detect(
      () => chunks.flipByte(25_000),
      new RegExp(`run ${run.runId}: the metric points logged by event ${third} were changed`),
    );
  });

  it('finds a metric point edited, deleted or added in place, naming the batch that logged it', async () => {
    const batchSeqs = events.filter((e) => e.action === 'run.log_batch').map((e) => e.seq);
    const [first, retry] = batchSeqs as [number, number];
    const loss = chunkTamper(db, runId, 'loss');
    const firstBatch = await loss.batchOf(10);
    await detect(
      () => loss.setValue(10, 0.05),
      new RegExp(
        `run ${runId}: the metric points logged by event ${first} were changed: their digest no longer matches`,
      ),
    );
    await detect(
      () => loss.removePoint(10),
      new RegExp(`the metric points logged by event ${first} were deleted or changed: 49 of 50 remain`),
    );
    // Points written into the table of points not yet converted to chunks count as well.
    const pointRow = { run_id: runId, key: 'loss', timestamp: 0, value: 0.5, is_nan: 0 };
    await detect(
      async () => {
        await db.db
          .insertInto('metrics')
          .values({ ...pointRow, step: 77, batch: firstBatch })
          .execute();
        return async () => {
          await db.db.deleteFrom('metrics').where('run_id', '=', runId).where('step', '=', 77).execute();
        };
      },
      new RegExp(`the metric points logged by event ${first} gained 1 inserted directly \\(51 now\\)`),
    );
    await detect(async () => {
      await db.db
        .insertInto('metrics')
        .values({ ...pointRow, step: 78, batch: 4242 })
        .execute();
      return async () => {
        await db.db.deleteFrom('metrics').where('run_id', '=', runId).where('step', '=', 78).execute();
      };
    }, /1 metric point carry batch id 4242, which no logged batch recorded: inserted directly/);
    // Chart summaries are derived from the points: editing one would change what a chart shows.
    const block = () =>
      db.db.selectFrom('metric_blocks').selectAll().where('run_id', '=', runId).where('key', '=', 'loss');
    const summary = await block().where('shift', '=', 5).where('block', '=', 0).executeTakeFirstOrThrow();
    const restoreSummary = async () => {
      await db.db
        .deleteFrom('metric_blocks')
        .where('run_id', '=', runId)
        .where('key', '=', 'loss')
        .where('shift', '=', 5)
        .where('block', '=', 0)
        .execute();
      await db.db.insertInto('metric_blocks').values(summary).execute();
    };
    await detect(async () => {
      await db.db
        .updateTable('metric_blocks')
        .set({ max_value: 0.3 })
        .where('run_id', '=', runId)
        .where('key', '=', 'loss')
        .where('shift', '=', 5)
        .where('block', '=', 0)
        .execute();
      return restoreSummary;
    }, /the chart summary of metric 'loss' for steps 0–31 does not match the points: max is 0.3 at step 0, the points give 1 at step 0/);
    await detect(async () => {
      await db.db
        .deleteFrom('metric_blocks')
        .where('run_id', '=', runId)
        .where('key', '=', 'loss')
        .where('shift', '=', 5)
        .where('block', '=', 0)
        .execute();
      return restoreSummary;
    }, /the chart summary of metric 'loss' for steps 0–31 is missing although 32 points lie in it/);
    await detect(async () => {
      await db.db
        .insertInto('metric_blocks')
        .values({ ...summary, key: 'ghost' })
        .execute();
      return async () => {
        await db.db.deleteFrom('metric_blocks').where('run_id', '=', runId).where('key', '=', 'ghost').execute();
      };
    }, /metric 'ghost' has chart summaries but no points: they were inserted directly/);
    expect(await block().execute()).toHaveLength(4); // steps 0–49: two blocks at the finest level, one at each other
    // The retried batch stored (and recorded) only its one new point.
    await detect(
      async () => {
        const restoreChunks = await chunkTamper(db, runId, 'accuracy').removeAll();
        await db.db.deleteFrom('latest_metrics').where('run_id', '=', runId).where('key', '=', 'accuracy').execute();
        return async () => {
          await restoreChunks();
          await db.db
            .insertInto('latest_metrics')
            .values({ run_id: runId, key: 'accuracy', step: 3, timestamp: 1003, value: 0.75, is_nan: 0 })
            .execute();
        };
      },
      new RegExp(`all 1 metric point logged by event ${retry} were deleted`),
    );
    await detect(async () => {
      await db.db
        .updateTable('latest_metrics')
        .set({ value: 0.999 })
        .where('run_id', '=', runId)
        .where('key', '=', 'loss')
        .execute();
      return async () => {
        await db.db
          .updateTable('latest_metrics')
          .set({ value: 1 / 50 })
          .where('run_id', '=', runId)
          .where('key', '=', 'loss')
          .execute();
      };
    }, /the latest value of metric 'loss' \(0.999 at step 49\) is not a logged point/);
    const [node] = await db.db
      .selectFrom('audit_merkle_nodes')
      .selectAll()
      .where('level', '=', 1)
      .where('idx', '=', 0)
      .execute();
    await detect(async () => {
      await db.db
        .updateTable('audit_merkle_nodes')
        .set({ hash: 'e'.repeat(64) })
        .where('level', '=', 1)
        .where('idx', '=', 0)
        .execute();
      return async () => {
        await db.db
          .updateTable('audit_merkle_nodes')
          .set({ hash: node!.hash })
          .where('level', '=', 1)
          .where('idx', '=', 0)
          .execute();
      };
    }, /FAILED: the stored Merkle node over events 1 to 2 was altered: proofs served from it would not verify/);
  });

  it('exits non-zero from the real command line, and zero when all holds', async () => {
    const run = promisify(execFile);
    const cli = (args: string[]) =>
      run(process.execPath, [CLI_BUNDLE, 'audit', 'verify', '--backend-store-uri', api.backendUri, ...args], {
        cwd: join(import.meta.dirname, '../..'),
      });
    const good = await cli([]);
    expect(good.stdout).toMatch(/^OK: the audit trail is intact/);
    await db.db
      .updateTable('run_params')
      .set({ value: '9' })
      .where('run_id', '=', runId)
      .where('key', '=', 'optimizer')
      .execute();
    try {
      await expect(cli([])).rejects.toMatchObject({
        code: 1,
        stderr: expect.stringMatching(/param 'optimizer' is "9"/),
      });
    } finally {
      await db.db
        .updateTable('run_params')
        .set({ value: 'adam' })
        .where('run_id', '=', runId)
        .where('key', '=', 'optimizer')
        .execute();
    }
  }, 60_000);
});
