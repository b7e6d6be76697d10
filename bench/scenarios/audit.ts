import { openStore } from '../../src/store/open-store.js';
import { buildAuditLog } from '../lib/audit-log-fixture.js';
import { runCli } from '../lib/cli-process.js';
import { type BackendName, createDatabase } from '../lib/databases.js';
import { type DirectWriter, openDirectWriter } from '../lib/direct-writer.js';
import { HttpClient } from '../lib/http-client.js';
import { runConcurrentClients } from '../lib/load.js';
import type { BenchContext, Scenario } from '../lib/scenario.js';
import { startServerProcess } from '../lib/server-process.js';

const CONCURRENCY = [1, 4, 16];
/** Events per run in the verified log: long run histories, as training jobs that log every few seconds leave. */
const EVENTS_PER_RUN = 5_000;
const VERIFY_TARGET = 200_000;

/**
 * Events in the verified log. The target is for a million events on SQLite; on PostgreSQL, building the log by
 * appending through the AuditLog runs at about 6,000 events/s on this machine, so a million would take the full
 * run's time budget by itself, and a quarter of it is verified instead. MNEMO_BENCH_AUDIT_EVENTS sets another size
 * (on every backend), to profile verify on a log of a chosen length.
 */
function logSize(quick: boolean, backend: BackendName): number {
  const asked = Number(process.env.MNEMO_BENCH_AUDIT_EVENTS);
  if (Number.isSafeInteger(asked) && asked > 0) return asked;
  if (quick) return 20_000;
  return backend === 'sqlite' ? 1_000_000 : 250_000;
}

async function run(context: BenchContext): Promise<void> {
  const writes = context.quick ? 60 : 500;
  const warmup = context.quick ? 1 : 5;
  const sizes = context.backends.map((b) => `${logSize(context.quick, b).toLocaleString('en-US')} events on ${b}`);
  context.note(
    `audit: append = ${writes.toLocaleString('en-US')} timed writes per configuration after ${warmup} ` +
      'untimed one(s) per client, each client on its own run, alternating MLflow runs/set-tag and ' +
      'runs/log-parameter (each one transaction appending one audit event, fsynced); the events appended are ' +
      `counted in the database. Verify = \`mnemo audit verify\` in its own process over a log of ${sizes.join(', ')} ` +
      `(a run per ${EVENTS_PER_RUN.toLocaleString('en-US')} events made through the services in-process, the bulk ` +
      'appended by the AuditLog in transactions of 10,000, signed checkpoints every quarter); it must exit 0 and ' +
      'report every event. Its rate excludes process start (the same command on an empty database, timed just ' +
      'before); peak RSS is VmHWM read from /proc every 10 ms.',
  );
  for (const backend of context.backends) {
    await appendThroughput(context, backend, writes, warmup);
    await verifyThroughput(context, backend, logSize(context.quick, backend));
  }
}

async function appendThroughput(
  context: BenchContext,
  backend: BackendName,
  writes: number,
  warmup: number,
): Promise<void> {
  const database = await createDatabase(backend);
  const server = await startServerProcess(database.uri);
  const http = new HttpClient(server.url, Math.max(...CONCURRENCY) + 2);
  let writer: DirectWriter | undefined;
  try {
    writer = await openDirectWriter(database);
    const { experiment } = await http.json<{ experiment: { experimentId: string } }>(
      'POST',
      '/api/v1/experiments',
      { name: 'audit-append' },
      201,
    );
    for (const clients of CONCURRENCY) {
      const runIds: string[] = [];
      for (let c = 0; c < clients; c++) {
        const { run: created } = await http.json<{ run: { runId: string } }>(
          'POST',
          '/api/v1/runs',
          { experimentId: experiment.experimentId },
          201,
        );
        runIds.push(created.runId);
      }
      const requestsPerClient = Math.ceil(writes / clients);
      const before = await countEvents(writer);
      const load = await runConcurrentClients({
        clients,
        warmup,
        requestsPerClient,
        send: async (client, i) => {
          const run_id = runIds[client]!;
          // Params never change, so each log-parameter names a new key; set-tag overwrites one tag.
          const [path, body] =
            i % 2 === 0
              ? ['set-tag', { run_id, key: 'phase', value: `step-${i}` }]
              : ['log-parameter', { run_id, key: `p${i}`, value: String(i) }];
          const response = await http.send('POST', `/api/2.0/mlflow/runs/${path}`, JSON.stringify(body));
          if (response.status !== 200) throw new Error(`runs/${path} answered ${response.status}: ${response.body}`);
        },
      });
      const perClient = warmup + requestsPerClient;
      const appended = (await countEvents(writer)) - before;
      if (appended !== clients * perClient) {
        throw new Error(`${clients * perClient} audited writes appended ${appended} events`);
      }
      for (const runId of runIds) {
        const params = await writer.count('select count(*) as n from run_params where run_id = ?', [runId]);
        if (params !== Math.floor(perClient / 2)) throw new Error(`run ${runId} kept ${params} of its params`);
      }
      context.record({
        scenario: 'audit',
        backend,
        figure: `audited writes (set-tag / log-param), ${clients} client${clients > 1 ? 's' : ''}`,
        unit: 'events/s',
        value: load.requests / load.seconds,
      });
    }
  } finally {
    http.close();
    await writer?.close();
    await server.stop();
    await database.drop();
  }
}

async function verifyThroughput(context: BenchContext, backend: BackendName, events: number): Promise<void> {
  const empty = await createDatabase(backend);
  // A store the server has set up and nothing written to: verify refuses a file that is not a Mnemo database.
  await (await openStore(empty.uri)).close();
  const database = await createDatabase(backend);
  try {
    const buildStarted = Date.now();
    const log = await buildAuditLog(database.uri, { events, runs: Math.max(1, Math.round(events / EVENTS_PER_RUN)) });
    context.log(
      `built a log of ${log.events.toLocaleString('en-US')} events over ${log.runs.toLocaleString('en-US')} runs ` +
        `with ${log.checkpoints} checkpoints in ${((Date.now() - buildStarted) / 1000).toFixed(1)} s`,
    );
    // Process start (Node, loading the sources, opening the database) is timed on an empty log and taken out of
    // the rate, so quick mode's smaller log does not report mostly start-up.
    const startup = await runCli(['audit', 'verify', '--backend-store-uri', empty.uri]);
    if (startup.code !== 0) throw new Error(`audit verify of an empty database failed:\n${startup.stderr}`);
    const verify = await runCli(['audit', 'verify', '--backend-store-uri', database.uri]);
    const reported = /intact: (\d+) events, (\d+) checkpoints/.exec(verify.stdout);
    if (verify.code !== 0 || !reported) {
      throw new Error(`audit verify failed (exit ${verify.code}):\n${verify.stdout}${verify.stderr.slice(-2000)}`);
    }
    if (Number(reported[1]) !== log.events || Number(reported[2]) !== log.checkpoints) {
      throw new Error(`audit verify checked ${reported[0]}; the log holds ${log.events} and ${log.checkpoints}`);
    }
    const seconds = verify.seconds - startup.seconds;
    context.log(
      `audit verify took ${verify.seconds.toFixed(1)} s, of which ${startup.seconds.toFixed(1)} s process start`,
    );
    const size =
      log.events >= 1e6
        ? `${(log.events / 1e6).toLocaleString('en-US')}M events`
        : `${Math.round(log.events / 1e3)}k events`;
    context.record({
      scenario: 'audit',
      backend,
      figure: `mnemo audit verify, ${size}`,
      unit: 'events/s',
      value: log.events / seconds,
      target: { value: VERIFY_TARGET, better: 'higher' },
    });
    context.record({
      scenario: 'audit',
      backend,
      figure: `mnemo audit verify, ${size}: peak RSS`,
      unit: 'MiB',
      value: verify.peakRssMiB,
    });
  } finally {
    await database.drop();
    await empty.drop();
  }
}

function countEvents(writer: DirectWriter): Promise<number> {
  return writer.count('select count(*) as n from audit_events', []);
}

const scenario: Scenario = { name: 'audit', order: 6, run };
export default scenario;
