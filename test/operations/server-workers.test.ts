import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditTrail } from '../../src/services/provenance/verify/audit-verifier.js';
import { openStore } from '../../src/store/open-store.js';
import { backends } from '../support/backends.js';
import { CLI_BUNDLE } from '../support/cli-bundle.js';
import { type CliServer, sharedServerArgs, startCliServer, stopped } from '../support/cli-server.js';

const M = '/api/2.0/mlflow';
const WORKERS = 2;
const CLIENTS = 8;
const RUNS_PER_CLIENT = 15;

async function workerPids(primary: number): Promise<number[]> {
  const children = await readFile(`/proc/${primary}/task/${primary}/children`, 'utf8').catch(() => '');
  return children.split(' ').filter(Boolean).map(Number);
}

async function cpuTicks(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

async function post(url: string, path: string, body: unknown): Promise<Response> {
  return fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** A GET on a connection of its own, which the primary hands to the next worker in turn. */
function getOnNewConnection(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    }).on('error', reject);
  });
}

/** The sum of a Prometheus counter's samples whose labels include `labels`. */
function counterTotal(text: string, name: string, labels: string): number {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) && line.includes(labels))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting; last saw ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * `mnemo server --workers 2`: two processes serve one port and one database. Writes through both commit without
 * error and the audit log verifies; /metrics counts every worker's requests; a worker killed outright is replaced
 * while the other serves; SIGTERM stops them all.
 */
describe.each(backends)('mnemo server --workers on $name', (backend) => {
  let database: Awaited<ReturnType<typeof backend.create>>;
  let dir: string;
  let server: CliServer;

  beforeAll(async () => {
    database = await backend.create();
    dir = await mkdtemp(join(tmpdir(), 'mnemo-workers-'));
    server = await startCliServer(['--workers', String(WORKERS), ...sharedServerArgs(database.uri, dir)]);
  }, 120_000);
  afterAll(async () => {
    server?.child.kill('SIGKILL');
    if (server) await stopped(server.child);
    await database?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('serves from every worker, writes through all of them and counts all their requests', {
    timeout: 120_000,
  }, async () => {
    expect(server.stdout().match(/serving on/g)).toHaveLength(1);
    expect(server.stdout()).toContain(`with ${WORKERS} workers`);
    const pids = await workerPids(server.child.pid!);
    expect(pids).toHaveLength(WORKERS);
    const ticksBefore = await Promise.all(pids.map(cpuTicks));

    const created = await post(server.url, `${M}/experiments/create`, { name: 'workers' });
    expect(created.status).toBe(200);
    const { experiment_id: experimentId } = (await created.json()) as { experiment_id: string };
    // Each client writes on its own connection, so the connections are spread over the workers.
    const failures: string[] = [];
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, client) => {
        for (let i = 0; i < RUNS_PER_CLIENT; i++) {
          const run = await post(server.url, `${M}/runs/create`, { experiment_id: experimentId });
          if (run.status !== 200) {
            failures.push(`create ${run.status} ${await run.text()}`);
            continue;
          }
          const runId = ((await run.json()) as { run: { info: { run_id: string } } }).run.info.run_id;
          const logged = await post(server.url, `${M}/runs/log-batch`, {
            run_id: runId,
            metrics: [{ key: 'loss', value: client + i / 100, timestamp: 1_700_000_000_000, step: i }],
            params: [{ key: 'client', value: String(client) }],
          });
          if (logged.status !== 200) failures.push(`log-batch ${logged.status} ${await logged.text()}`);
        }
      }),
    );
    expect(failures).toEqual([]);

    // Both workers did their share of the work, not one of them alone.
    const ticksAfter = await Promise.all(pids.map(cpuTicks));
    for (const [i, before] of ticksBefore.entries()) expect(ticksAfter[i]! - before).toBeGreaterThan(5);

    const searched = await post(server.url, `${M}/runs/search`, { experiment_ids: [experimentId], max_results: 1000 });
    const { runs } = (await searched.json()) as { runs: { data: { params: unknown[] } }[] };
    expect(runs).toHaveLength(CLIENTS * RUNS_PER_CLIENT);
    expect(runs.every((run) => run.data.params.length === 1)).toBe(true);

    // A scrape lands on one worker and reports the requests of all of them.
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(counterTotal(metrics, 'mnemo_http_requests_total', 'route="/api/2.0/mlflow/runs/create"')).toBe(
      CLIENTS * RUNS_PER_CLIENT,
    );
    expect(counterTotal(metrics, 'mnemo_http_requests_total', 'route="/api/2.0/mlflow/runs/log-batch"')).toBe(
      CLIENTS * RUNS_PER_CLIENT,
    );

    const store = await openStore(database.uri);
    try {
      expect((await verifyAuditTrail(store.db)).problems).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('replaces a worker killed outright while the other serves, and stops them all on SIGTERM', {
    timeout: 120_000,
  }, async () => {
    const [doomed, survivor] = (await workerPids(server.child.pid!)) as [number, number];
    process.kill(doomed, 'SIGKILL');
    // The survivor answers at once; requests that raced the kill on its connections may fail and are retried.
    const health = await until(
      () =>
        fetch(`${server.url}/health`).then(
          (response) => response.status,
          () => 0,
        ),
      (status) => status === 200,
    );
    expect(health).toBe(200);
    const replaced = await until(
      () => workerPids(server.child.pid!),
      (pids) => pids.length === WORKERS && !pids.includes(doomed),
    );
    expect(replaced).toContain(survivor);
    expect(server.stderr()).toContain('a server worker stopped (SIGKILL); starting another');
    // The replacement listens on the shared port: once it is idle after starting, a burst of new connections
    // makes it work.
    const fresh = replaced.find((pid) => pid !== survivor)!;
    let idle = await cpuTicks(fresh);
    await until(
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 500));
        const [previous, now] = [idle, await cpuTicks(fresh)];
        idle = now;
        return now - previous;
      },
      (used) => used === 0,
    );
    // Hundreds of requests, as the kernel counts CPU time in hundredths of a second.
    const statuses: number[] = [];
    for (let burst = 0; burst < 10; burst++) {
      statuses.push(
        ...(await Promise.all(Array.from({ length: 40 }, () => getOnNewConnection(`${server.url}/health`)))),
      );
    }
    expect(statuses.every((status) => status === 200)).toBe(true);
    expect(await cpuTicks(fresh)).toBeGreaterThan(idle + 2);

    server.child.kill('SIGTERM');
    await stopped(server.child);
    expect(server.child.exitCode).toBe(0);
    for (const pid of replaced) expect(() => process.kill(pid, 0)).toThrow();
  });
});

/** Runs `mnemo server` expecting it to stop by itself; resolves with its exit code and stderr. */
function serverThatStops(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [CLI_BUNDLE, 'server', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stderr })));
}

describe('mnemo server --workers, refusing to start', () => {
  it('refuses a count that is not a whole number from 1', { timeout: 60_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mnemo-workers-'));
    try {
      for (const count of ['0', 'two', '1.5']) {
        const { code, stderr } = await serverThatStops(['--workers', count, '--backend-store-uri', join(dir, 'm.db')]);
        expect(code).not.toBe(0);
        expect(stderr).toContain(`--workers must be a whole number from 1 to 256; got '${count}'`);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses an in-memory SQLite database, which each worker would hold alone', { timeout: 60_000 }, async () => {
    const { code, stderr } = await serverThatStops(['--workers', '2', '--backend-store-uri', ':memory:']);
    expect(code).not.toBe(0);
    expect(stderr).toContain('--workers needs a database the workers share');
  });

  it('stops with an error when its first worker cannot listen', { timeout: 60_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mnemo-workers-'));
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = taken.address() as AddressInfo;
      const { code, stderr } = await serverThatStops([
        '--workers',
        '2',
        '--port',
        String(port),
        '--backend-store-uri',
        join(dir, 'm.db'),
        '--artifacts-destination',
        join(dir, 'artifacts'),
      ]);
      expect(code).not.toBe(0);
      expect(stderr).toContain('EADDRINUSE');
    } finally {
      taken.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
