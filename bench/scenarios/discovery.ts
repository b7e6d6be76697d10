import { type BackendName, createDatabase } from '../lib/databases.js';
import { type ColumnBatch, openDirectWriter } from '../lib/direct-writer.js';
import { digits, EPOCH, experimentRows } from '../lib/experiment-rows.js';
import { HttpClient } from '../lib/http-client.js';
import { random } from '../lib/run-fixtures.js';
import type { BenchContext, Scenario } from '../lib/scenario.js';
import { startServerProcess } from '../lib/server-process.js';
import { percentile, timeIterations } from '../lib/stats.js';

const WARMUP = 5;
const TARGET_MS = 20;
const CHUNK = 10_000;
/** Words the loaded descriptions draw from: each is in about 1 description in WORDS.length. */
const WORDS = ['fraud', 'churn', 'payments', 'ranking', 'forecast', 'credit', 'vision', 'speech', 'pricing', 'risk'];
const TEAMS = ['risk', 'growth', 'search', 'ads', 'platform'];

interface SearchReply {
  total: number;
  hits: { name: string; type: string }[];
  facets: { terms: Record<string, { value: string; count: number }[]> };
}
interface CompletionReply {
  completions: { value: string; distance: number }[];
}

async function run(context: BenchContext): Promise<void> {
  const entities = context.quick ? 5_000 : 100_000;
  const iterations = context.quick ? 20 : 100;
  context.note(
    `discovery: ${entities.toLocaleString('en-US')} entities (half registered models with a description, team and ` +
      'tag, half experiments) loaded straight into the database, then indexed by the server at start-up (the ' +
      'backfill time is reported). Timed: GET /api/v1/search for one word with facet counts (20 results); the same ' +
      'narrowed by facet=team=… (its team counts ignore that choice, so every team still shows); GET /api/v1/search/autocomplete for a 5-digit name prefix (10 matches) and for the ' +
      `same prefix with two letters swapped (typo path). ${iterations} requests after ${WARMUP} warm-up ones; every ` +
      'answer is checked.',
  );
  for (const backend of context.backends) await measure(context, backend, entities, iterations);
}

async function measure(context: BenchContext, backend: BackendName, entities: number, iterations: number) {
  const database = await createDatabase(backend);
  // Started once to create the schema, stopped while rows are loaded behind its back, started again to index them.
  await (await startServerProcess(database.uri)).stop();
  const half = entities / 2;
  const writer = await openDirectWriter(database);
  try {
    for (let start = 0; start < half; start += CHUNK) {
      const count = Math.min(CHUNK, half - start);
      await writer.insert(modelRows(start, count));
      await writer.insert(modelTagRows(start, count));
      await writer.insert(experimentRows(start, count));
    }
  } finally {
    await writer.close();
  }
  const started = Date.now();
  const server = await startServerProcess(database.uri);
  const http = new HttpClient(server.url, 1);
  try {
    for (;;) {
      const reply = await http.json<SearchReply>('GET', '/api/v1/search?maxResults=1');
      if (reply.total >= entities) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const backfillSeconds = (Date.now() - started) / 1000;
    context.log(`indexed ${entities.toLocaleString('en-US')} entities in ${backfillSeconds.toFixed(1)} s`);
    if (backend === 'postgres') {
      const analyze = await openDirectWriter(database);
      await analyze.query('analyze');
      await analyze.close();
    }

    const next = random(11);
    const word = () => WORDS[Math.floor(next() * WORDS.length)]!;
    const search = await timeIterations(WARMUP, iterations, async () => {
      const w = word();
      const reply = await http.json<SearchReply>('GET', `/api/v1/search?q=${w}`);
      if (reply.hits.length !== 20 || reply.total < entities / WORDS.length / 4) {
        throw new Error(`search for ${w}: ${reply.hits.length} hits of ${reply.total}`);
      }
      if (!reply.facets.terms.team) throw new Error(`search for ${w} counted no teams`);
    });
    const faceted = await timeIterations(WARMUP, iterations, async () => {
      const team = TEAMS[Math.floor(next() * TEAMS.length)]!;
      const reply = await http.json<SearchReply>('GET', `/api/v1/search?q=${word()}&facet=team%3D${team}`);
      if (reply.hits.length === 0) throw new Error(`faceted search for team ${team} found nothing`);
      // Disjunctive counts: the chosen team counts every result, and the other teams (each word has several) still show.
      const teams = reply.facets.terms.team ?? [];
      const chosen = teams.find((t) => t.value === team);
      if (chosen?.count !== reply.total || teams.length < 2) throw new Error(`team facet ${JSON.stringify(teams)}`);
    });
    // Ten names share each five-digit prefix (models or experiments alike).
    const prefix = () =>
      `${next() < 0.5 ? 'model' : 'exp'}-${digits(Math.floor(next() * (half / 10)) * 10).slice(0, 5)}`;
    const complete = await timeIterations(WARMUP, iterations, async () => {
      const p = prefix();
      const reply = await http.json<CompletionReply>(
        'GET',
        `/api/v1/search/autocomplete?prefix=${p}&kind=name&limit=10`,
      );
      const exact = reply.completions.filter((c) => c.distance === 0);
      if (exact.length !== 10 || exact.some((c) => !c.value.startsWith(p))) {
        throw new Error(`completion of ${p}: ${JSON.stringify(reply.completions.slice(0, 3))}`);
      }
    });
    const typo = await timeIterations(WARMUP, iterations, async () => {
      const p = prefix();
      const swapped = p.startsWith('model') ? `modle${p.slice(5)}` : `epx${p.slice(3)}`;
      const reply = await http.json<CompletionReply>(
        'GET',
        `/api/v1/search/autocomplete?prefix=${swapped}&kind=name&limit=10`,
      );
      if (!reply.completions.some((c) => c.value.startsWith(p))) {
        throw new Error(`typo completion of ${swapped} missed ${p}: ${JSON.stringify(reply.completions.slice(0, 3))}`);
      }
    });
    const size = `${(entities / 1000).toLocaleString('en-US')}k entities`;
    context.record({
      scenario: 'discovery',
      backend,
      figure: `index backfill, ${size}`,
      unit: 's',
      value: backfillSeconds,
    });
    for (const [label, samples, target] of [
      ['search one word + facet counts', search, undefined],
      ['search one word + team facet', faceted, undefined],
      ['autocomplete name prefix', complete, TARGET_MS],
      // The target is for autocomplete as a user types, typos included (the "with typo tolerance").
      ['autocomplete name with a typo', typo, TARGET_MS],
    ] as const) {
      context.record({
        scenario: 'discovery',
        backend,
        figure: `${label}, ${size}, p50`,
        unit: 'ms',
        value: percentile(samples, 50),
        ...(target === undefined || backend !== 'sqlite'
          ? {}
          : { target: { value: target, better: 'lower' as const } }),
      });
      context.record({
        scenario: 'discovery',
        backend,
        figure: `${label}, ${size}, p95`,
        unit: 'ms',
        value: percentile(samples, 95),
      });
    }
  } finally {
    http.close();
    await server.stop();
    await database.drop();
  }
}

function modelRows(start: number, count: number): ColumnBatch {
  const ids = Array.from({ length: count }, (_, k) => start + k);
  return {
    table: 'registered_models',
    columns: [
      { name: 'model_id', type: 'text', values: ids.map((i) => `bench-model-${i}`) },
      { name: 'name', type: 'text', values: ids.map((i) => `model-${digits(i)}`) },
      {
        name: 'description',
        type: 'text',
        values: ids.map(
          (i) => `Scores ${WORDS[i % WORDS.length]} cases for the ${WORDS[(i * 7 + 3) % WORDS.length]} desk`,
        ),
      },
      { name: 'owner_team', type: 'text', values: ids.map((i) => TEAMS[Math.floor(i / WORDS.length) % TEAMS.length]!) },
      { name: 'regulatory_flags', type: 'text', values: ids.map(() => '[]') },
      { name: 'metadata', type: 'text', values: ids.map(() => '{}') },
      { name: 'last_version', type: 'int', values: ids.map(() => 0) },
      { name: 'creation_time', type: 'bigint', values: ids.map((i) => EPOCH + i) },
      { name: 'last_updated_time', type: 'bigint', values: ids.map((i) => EPOCH + i) },
    ],
  };
}

function modelTagRows(start: number, count: number): ColumnBatch {
  const ids = Array.from({ length: count }, (_, k) => start + k);
  return {
    table: 'registered_model_tags',
    columns: [
      { name: 'model_id', type: 'text', values: ids.map((i) => `bench-model-${i}`) },
      { name: 'key', type: 'text', values: ids.map(() => 'domain') },
      { name: 'value', type: 'text', values: ids.map((i) => WORDS[(i * 3) % WORDS.length]!) },
    ],
  };
}

const scenario: Scenario = { name: 'discovery', order: 4, run };
export default scenario;
