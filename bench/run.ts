import { writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type BackendName, postgresReachable } from './lib/databases.js';
import { markdownTable } from './lib/report.js';
import type { BenchContext, BenchResult } from './lib/scenario.js';
import { loadScenarios } from './lib/scenarios.js';

const HERE = dirname(fileURLToPath(import.meta.url));

const USAGE = `usage: npm run bench -- [--quick] [--only ingest,search] [--backend sqlite|postgres]
  --quick     smaller data and fewer iterations (under 2 minutes)
  --only      run only the named scenarios (comma-separated)
  --backend   run on one backend only (default: sqlite, and postgres when reachable)
environment: MNEMO_BENCH_POSTGRES_URL (admin URL, default postgresql://postgres@127.0.0.1:5432/test),
             MNEMO_BENCH_NODE_ARGS (extra flags for the server process, e.g. --cpu-prof)`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      backend: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const backends = await chooseBackends(values.backend);
  const only = values.only?.split(',').map((s) => s.trim());
  const scenarios = (await loadScenarios(join(HERE, 'scenarios'))).filter((s) => !only || only.includes(s.name));
  if (scenarios.length === 0) throw new Error(`no scenario matches --only ${values.only}`);

  const results: BenchResult[] = [];
  const notes: string[] = [
    'Every latency figure excludes warm-up iterations (stated per scenario); throughput excludes warm-up requests.',
  ];
  const context: BenchContext = {
    quick: values.quick ?? false,
    backends,
    record: (result) => {
      results.push(result);
      console.log(
        `  ${result.scenario} [${result.backend}] ${result.figure}: ${result.value.toFixed(2)} ${result.unit}`,
      );
    },
    note: (text) => {
      notes.push(text);
      console.log(`  note: ${text}`);
    },
    log: (text) => console.log(`  ${text}`),
  };

  // Other work on the machine skews every figure; the load average before and after says how much there was.
  const loadBefore = loadavg()[0]!;
  const started = Date.now();
  const mode = context.quick ? 'quick' : 'full';
  console.log(
    `Mnemo benchmarks (${mode} mode) on ${backends.join(' and ')}: ${scenarios.map((s) => s.name).join(', ')}`,
  );
  for (const scenario of scenarios) {
    const scenarioStart = Date.now();
    console.log(`\n▶ ${scenario.name}`);
    await scenario.run(context);
    console.log(`  (${((Date.now() - scenarioStart) / 1000).toFixed(1)} s)`);
  }
  const seconds = (Date.now() - started) / 1000;
  const load = { before: loadBefore, after: loadavg()[0]! };

  const cpu = cpus();
  const machine = `${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
  console.log(`\n${markdownTable(results)}\n`);
  for (const note of notes) console.log(`- ${note}`);
  console.log(
    `\n${mode} mode, ${seconds.toFixed(0)} s on ${machine}; 1-minute load average ${load.before.toFixed(1)} before, ` +
      `${load.after.toFixed(1)} after`,
  );
  await writeFile(
    join(HERE, 'results.json'),
    `${JSON.stringify({ mode, machine, load, date: new Date().toISOString(), seconds, notes, results }, null, 2)}\n`,
  );
  console.log(`results written to bench/results.json`);
}

async function chooseBackends(requested: string | undefined): Promise<BackendName[]> {
  if (requested === 'sqlite') return ['sqlite'];
  if (requested === 'postgres') {
    if (!(await postgresReachable())) throw new Error('PostgreSQL is not reachable; set MNEMO_BENCH_POSTGRES_URL');
    return ['postgres'];
  }
  if (requested !== undefined) throw new Error(`--backend must be sqlite or postgres; got '${requested}'`);
  if (await postgresReachable()) return ['sqlite', 'postgres'];
  console.log('note: PostgreSQL is not reachable (MNEMO_BENCH_POSTGRES_URL); running on SQLite only');
  return ['sqlite'];
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
