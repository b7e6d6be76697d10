import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditTrail } from '../../src/services/provenance/verify/audit-verifier.js';
import { openStore } from '../../src/store/open-store.js';
import { backends } from '../support/backends.js';
import { type CliServer, sharedServerArgs, startCliServer, stopped } from '../support/cli-server.js';

const M = '/api/2.0/mlflow';
const WORKERS = 6;
const LOAD_BEFORE_KILL_MS = 1_500;
const LOAD_AFTER_KILL_MS = 2_500;
/** Writes answered before the kill and after it, at least, whatever the time it takes. */
const MIN_WRITES = 12;
/** How long one logical write may take across retries before the drill gives up on it. */
const GIVE_UP_MS = 20_000;
/** Reads checking the stored batches afterwards, in flight at once. */
const READS_AT_ONCE = 8;

type Outcome =
  /** Answered 200, by the replica that applied it or as the recorded answer of an earlier try. */
  | { kind: 'acknowledged'; body: unknown }
  /** Committed, but its answer was lost with the replica that applied it: the key is held, the answer is not. */
  | { kind: 'applied-unanswered' };

/**
 * A client as a pipeline would run one against replicas behind a load balancer: round-robin, an Idempotency-Key per
 * logical write, and on a lost connection or a 503 the same request again, on the next replica.
 */
class RoundRobinClient {
  private next = 0;
  retries = 0;

  constructor(private readonly replicas: () => string[]) {}

  async write(path: string, body: unknown): Promise<Outcome> {
    const key = randomUUID();
    const started = Date.now();
    let inUse = 0;
    for (;;) {
      const urls = this.replicas();
      const url = urls[this.next++ % urls.length]!;
      try {
        const response = await fetch(`${url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': key },
          body: JSON.stringify(body),
        });
        const answer = (await response.json()) as { error_code?: string };
        if (response.status === 200) return { kind: 'acknowledged', body: answer };
        if (response.status === 409 && answer.error_code === 'IDEMPOTENCY_KEY_IN_USE') {
          // The key is claimed only in the transaction of a committed write; persisting means the replica that
          // applied it died before recording the answer.
          if (++inUse >= 3) return { kind: 'applied-unanswered' };
        } else if (response.status !== 503) {
          throw new Error(`${path} answered ${response.status}: ${JSON.stringify(answer)}`);
        }
      } catch (error) {
        // A connection refused or reset by the killed replica; anything else is the drill failing.
        if (!(error instanceof TypeError)) throw error;
      }
      this.retries++;
      if (Date.now() - started > GIVE_UP_MS) throw new Error(`${path} was not taken by any replica`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

async function until(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('the load made too little progress');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

interface LoggedBatch {
  runId: string;
  metrics: { key: string; value: number }[];
  outcome: Outcome;
}

/**
 * Two replicas on one PostgreSQL; one is SIGKILLed while six clients write through both. The other keeps serving,
 * clients retry, and afterwards nothing acknowledged is missing, no retried write was applied twice, and the audit
 * log verifies.
 */
describe.each(backends.filter((b) => b.name === 'postgres'))('a replica killed under load on $name', (backend) => {
  let database: Awaited<ReturnType<typeof backend.create>>;
  let dir: string;
  const replicas: CliServer[] = [];
  let experimentId: string;

  beforeAll(async () => {
    database = await backend.createMigrated();
    dir = await mkdtemp(join(tmpdir(), 'mnemo-failover-'));
    const args = sharedServerArgs(database.uri, dir);
    // One after the other: the first writes the shared signing key, the second reads it.
    replicas.push(await startCliServer(args));
    replicas.push(await startCliServer(args));
    const created = await fetch(`${replicas[0]!.url}${M}/experiments/create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'failover' }),
    });
    experimentId = ((await created.json()) as { experiment_id: string }).experiment_id;
  }, 120_000);
  afterAll(async () => {
    for (const replica of replicas) {
      replica.child.kill('SIGKILL');
      await stopped(replica.child);
    }
    await database?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('keeps serving through the other replica and loses or duplicates nothing acknowledged', {
    timeout: 120_000,
  }, async () => {
    const [doomed, survivor] = replicas as [CliServer, CliServer];
    let live = [doomed.url, survivor.url];
    // The client keeps trying both until it has seen the dead one refuse, as a balancer's health check would.
    const client = new RoundRobinClient(() => live);
    const createdRuns = new Map<string, Outcome>();
    const batches: LoggedBatch[] = [];
    let stop = false;
    let answeredAfterKill = 0;
    let killed = false;

    const worker = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const logicalId = `w${w}-r${i}`;
        const run = await client.write(`${M}/runs/create`, {
          experiment_id: experimentId,
          tags: [{ key: 'drill.logical_id', value: logicalId }],
        });
        createdRuns.set(logicalId, run);
        if (killed) answeredAfterKill++;
        if (run.kind !== 'acknowledged') continue;
        const runId = (run.body as { run: { info: { run_id: string } } }).run.info.run_id;
        const metrics = Array.from({ length: 20 }, (_, k) => ({ key: `m${k}`, value: w * 1000 + i + k / 100 }));
        const logged = await client.write(`${M}/runs/log-batch`, {
          run_id: runId,
          metrics: metrics.map((m) => ({ ...m, timestamp: 1_700_000_000_000, step: 0 })),
        });
        batches.push({ runId, metrics, outcome: logged });
        if (killed) answeredAfterKill++;
      }
    };

    const load = Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
    // Load for a while and until some writes went through, however slow the machine is today.
    await new Promise((resolve) => setTimeout(resolve, LOAD_BEFORE_KILL_MS));
    await until(() => createdRuns.size >= MIN_WRITES);
    const writesBeforeKill = createdRuns.size;
    doomed.child.kill('SIGKILL');
    await stopped(doomed.child);
    killed = true;
    setTimeout(() => {
      live = [survivor.url];
    }, 500);
    await new Promise((resolve) => setTimeout(resolve, LOAD_AFTER_KILL_MS));
    await until(() => answeredAfterKill >= MIN_WRITES);
    stop = true;
    await load;

    expect(writesBeforeKill).toBeGreaterThan(0);
    expect(answeredAfterKill).toBeGreaterThan(0);
    // Requests in flight on the killed replica were retried on the survivor.
    expect(client.retries).toBeGreaterThan(0);

    // Every run created counts once: an acknowledged create exactly one run, none more than one.
    const search = await fetch(`${survivor.url}${M}/runs/search`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ experiment_ids: [experimentId], max_results: 50_000 }),
    });
    const found =
      ((await search.json()) as { runs?: { data: { tags?: { key: string; value: string }[] } }[] }).runs ?? [];
    const perLogicalId = new Map<string, number>();
    for (const run of found) {
      const id = run.data.tags?.find((t) => t.key === 'drill.logical_id')?.value;
      if (id !== undefined) perLogicalId.set(id, (perLogicalId.get(id) ?? 0) + 1);
    }
    expect([...perLogicalId.values()].filter((count) => count > 1)).toEqual([]);
    for (const id of createdRuns.keys()) expect(perLogicalId.get(id), id).toBe(1);

    // Every acknowledged metric batch is stored whole. The reads change nothing: a few go to the survivor at once.
    const stored = async (batch: LoggedBatch) => {
      const got = await fetch(`${survivor.url}${M}/runs/get?run_id=${batch.runId}`);
      const metrics = ((await got.json()) as { run: { data: { metrics?: { key: string; value: number }[] } } }).run.data
        .metrics;
      return new Map((metrics ?? []).map((m) => [m.key, m.value]));
    };
    let next = 0;
    const reader = async () => {
      while (next < batches.length) {
        const batch = batches[next++]!;
        expect(await stored(batch)).toEqual(new Map(batch.metrics.map((m) => [m.key, m.value])));
      }
    };
    await Promise.all(Array.from({ length: READS_AT_ONCE }, reader));

    const store = await openStore(database.uri);
    try {
      expect((await verifyAuditTrail(store.db)).problems).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
