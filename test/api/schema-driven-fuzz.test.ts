import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditVerify } from '../../src/cli/audit-command.js';
import { backends } from '../support/backends.js';
import { arbitraryFor } from '../support/fuzz/json-schema-arbitrary.js';
import { mlflowFilter, mlflowOrderBy } from '../support/fuzz/mlflow-filter-arbitrary.js';
import {
  bodyArbitrary,
  bodyText,
  ODD_HEADERS,
  pathArbitrary,
  queryArbitrary,
  routeGroups,
  type Values,
} from '../support/fuzz/route-requests.js';
import { type StoredStateReader, stateChanges, storedStateReader } from '../support/fuzz/stored-state.js';
import { useTestServer } from '../support/test-server.js';

/**
 * Every route, driven with input generated from its own JSON schema — valid-looking, so it reaches the handlers —
 * and then mutated: wrong types, non-finite and oversized numbers, lone surrogates, NUL, deep nesting, duplicate keys,
 * truncated JSON, wrong content types, odd headers; MLflow search routes also get filter strings from a grammar of
 * MLflow's filter language, well-formed and broken. No answer may be a 5xx or take too long, and a refusal (4xx) must
 * leave the stored state as it was: the audit log's head, every table's row count and every table's contents.
 *
 * Seeds are fixed so a failure reproduces; MNEMO_FUZZ_RUNS multiplies the runs and MNEMO_FUZZ_SEED picks other seeds.
 */

const SCALE = Math.max(1, Number(process.env.MNEMO_FUZZ_RUNS ?? '1'));
const BASE_SEED = Number(process.env.MNEMO_FUZZ_SEED ?? '20261206');
const RUNS_PER_ROUTE = 3 * SCALE;
const RUNS_PER_FILTER_ROUTE = 16 * SCALE;
// Far above any answer a healthy server gives on a loaded machine; a request still open then counts as a hang.
const REQUEST_TIMEOUT_MS = 15_000;

/**
 * Counterexamples the properties found, kept as they were found, with the answer the fixed server gives. Each also
 * goes through the same oracle (no 5xx, no hang, a refusal changes nothing).
 */
const REGRESSIONS: {
  name: string;
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string;
  status: number;
}[] = [
  {
    // The schema asked for a number where a query only ever holds text, so every limit was refused.
    name: 'a limit on the transition request list',
    method: 'GET',
    url: '/api/v1/transition-requests?limit=5',
    status: 200,
  },
  { name: 'a limit out of range', method: 'GET', url: '/api/v1/transition-requests?limit=1001', status: 400 },
  {
    // PostgreSQL's bigint overflowed: a 500 instead of a refusal.
    name: 'a dataset version row count beyond 2^53',
    method: 'POST',
    url: '/api/v1/lineage/dataset-versions',
    headers: { 'content-type': 'application/json' },
    body: '{"namespace":"Production","name":"d","version":"v","uri":"u","digest":null,"columns":null,"rowCount":10000000000000000000,"qualityChecks":null,"producedByRunId":null}',
    status: 400,
  },
];

interface Outcome {
  status: number;
  requestId: string;
  text: string;
}

describe.each(backends)('schema-driven fuzzing of every route, on $name', (backend) => {
  const api = useTestServer(backend, { server: { checkpointIntervalMinutes: 0 } });
  const values: Values = { known: [] };
  let state: StoredStateReader;
  const failures: string[] = [];
  const statuses = new Map<number, number>();

  beforeAll(async () => {
    state = await storedStateReader(api.server.store);
    const mlflow = '/api/2.0/mlflow';
    const experiment = await api.call<{ experiment_id: string }>('POST', `${mlflow}/experiments/create`, {
      name: 'fuzz-experiment',
    });
    expect(experiment.status).toBe(200);
    const experimentId = experiment.body.experiment_id;
    const run = await api.call<{ run: { info: { run_id: string } } }>('POST', `${mlflow}/runs/create`, {
      experiment_id: experimentId,
      run_name: 'fuzz-run',
    });
    expect(run.status).toBe(200);
    const runId = run.body.run.info.run_id;
    const logged = await api.call('POST', `${mlflow}/runs/log-batch`, {
      run_id: runId,
      metrics: [{ key: 'loss', value: 0.5, timestamp: 1, step: 0 }],
      params: [{ key: 'lr', value: '0.1' }],
      tags: [{ key: 'team', value: 'vision' }],
    });
    expect(logged.status).toBe(200);
    expect((await api.call('POST', `${mlflow}/registered-models/create`, { name: 'fuzz-model' })).status).toBe(200);
    const version = await api.call('POST', `${mlflow}/model-versions/create`, {
      name: 'fuzz-model',
      source: `runs:/${runId}/model`,
      run_id: runId,
    });
    expect(version.status).toBe(200);
    values.known = [
      experimentId,
      runId,
      'fuzz-experiment',
      'fuzz-run',
      'fuzz-model',
      '1',
      'latest',
      'loss',
      'lr',
      'team',
      'Production',
      'champion',
      'admin',
      'anonymous',
    ];
  });

  /**
   * Sends one request; records a 5xx, a hang, or (when `checkState`) a refusal that changed stored state. Reading the
   * state costs a query over every table before and after, so the properties check a sample of their requests.
   */
  async function probe(label: string, url: string, init: RequestInit, checkState = true): Promise<Outcome | undefined> {
    const before = checkState ? await state.read() : undefined;
    let outcome: Outcome;
    try {
      const response = await fetch(`${api.url}${url}`, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
      outcome = {
        status: response.status,
        text: await response.text(),
        requestId: response.headers.get('x-request-id') ?? '',
      };
    } catch (error) {
      failures.push(`${label}: no answer (${(error as Error).name}: ${(error as Error).message})`);
      return undefined;
    }
    // A server started from the sources without a UI build says so on its pages: not the input's doing.
    const uiNotBuilt = outcome.status === 503 && !url.startsWith('/api') && /has not been built/.test(outcome.text);
    if (outcome.status >= 500 && !uiNotBuilt)
      failures.push(`${label} → ${outcome.status} ${outcome.text.slice(0, 200)}`);
    if (before !== undefined && outcome.status >= 400 && outcome.status < 500) {
      const changes = stateChanges(before, await state.read());
      if (changes.length > 0) {
        const events = await state.eventsAfter(before.auditSeq);
        failures.push(
          `${label} → ${outcome.status} (${outcome.requestId}) yet changed ${changes.join(', ')}; events ${events.join(', ')}`,
        );
      }
    }
    statuses.set(outcome.status, (statuses.get(outcome.status) ?? 0) + 1);
    if (process.env.FUZZ_TRACE) console.log(outcome.status, label.slice(0, 200), outcome.text.slice(0, 150));
    return outcome;
  }

  function describeCase(
    method: string,
    url: string,
    headers: Record<string, string>,
    body: string | undefined,
  ): string {
    const shown = (text: string) => JSON.stringify(text.length > 300 ? `${text.slice(0, 300)}…(${text.length})` : text);
    return `${method} ${shown(url)} headers ${shown(JSON.stringify(headers))}${body === undefined ? '' : ` body ${shown(body)}`}`;
  }

  it('answers every route without a 5xx or a hang, and a refusal changes nothing', { timeout: 600_000 }, async () => {
    const groups = routeGroups(api.server.app.routeTable);
    expect(groups.length).toBeGreaterThan(150);
    const earlier = failures.length;
    let requests = 0;
    for (const [index, group] of groups.entries()) {
      const hasBody = group.method !== 'GET' && group.method !== 'DELETE';
      await fc.assert(
        fc.asyncProperty(
          pathArbitrary(group, values),
          queryArbitrary(group, values),
          bodyArbitrary(group, values),
          fc.oneof({ arbitrary: fc.constant(null), weight: 3 }, fc.constantFrom(...ODD_HEADERS)),
          fc.nat(3),
          async (path, query, body, odd, draw) => {
            const url = `${path}${query.text ? `?${query.text}` : ''}`;
            const headers: Record<string, string> = { ...odd };
            const text = hasBody ? bodyText(body) : undefined;
            if (hasBody && body.contentType !== null) headers['content-type'] = body.contentType;
            const label = describeCase(group.method, url, headers, text);
            // Every route's first case and about a quarter of the others check stored state.
            const checkState = draw === 0 || requests % RUNS_PER_ROUTE === 0;
            requests++;
            const outcome = await probe(label, url, { method: group.method, headers, body: text }, checkState);
            // What the route's own schema allows must get past that schema: a refusal blaming it is a schema no
            // request can satisfy (a number where a query only ever holds text, say).
            const blamed =
              outcome?.status === 400 ? /Invalid value for (querystring|body)\b/.exec(outcome.text)?.[1] : undefined;
            const validBody =
              hasBody &&
              group.schema.body !== undefined &&
              body.change === null &&
              body.contentType === 'application/json';
            if ((blamed === 'querystring' && !query.mutated) || (blamed === 'body' && validBody)) {
              failures.push(`${label}: the route's schema allows this ${blamed}, yet it was refused: ${outcome?.text}`);
            }
          },
        ),
        { numRuns: RUNS_PER_ROUTE, seed: BASE_SEED + index },
      );
    }
    expect(failures.slice(earlier)).toEqual([]);
    expect(requests).toBe(groups.length * RUNS_PER_ROUTE);
  });

  it('answers MLflow filter strings, well-formed or broken, without a 5xx, and a refusal changes nothing', {
    timeout: 600_000,
  }, async () => {
    const searchable = routeGroups(api.server.app.routeTable).filter((group) =>
      ['body', 'querystring'].some((where) => {
        const schema = group.schema[where as 'body' | 'querystring'] as
          | { properties?: Record<string, unknown> }
          | undefined;
        return schema?.properties?.filter !== undefined || schema?.properties?.filter_string !== undefined;
      }),
    );
    expect(searchable.length).toBeGreaterThan(8);
    const earlier = failures.length;
    let requests = 0;
    for (const [index, group] of searchable.entries()) {
      const where = (group.schema.body as { properties?: Record<string, unknown> } | undefined)?.properties
        ? 'body'
        : 'querystring';
      const schema = group.schema[where] as { properties: Record<string, { type?: string }> };
      const filterField = schema.properties.filter !== undefined ? 'filter' : 'filter_string';
      const orderField = schema.properties.order_by;
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...group.prefixes),
          arbitraryFor(schema, values.known),
          mlflowFilter,
          fc.option(mlflowOrderBy, { freq: 3 }),
          fc.nat(3),
          async (prefix, generated, filter, orderBy, draw) => {
            const input = { ...(generated as Record<string, unknown>), [filterField]: filter };
            // MLflow's order_by is text (or a list of it); the native API's is structured, and keeps what was generated.
            const items = (orderField as { items?: { type?: string } } | undefined)?.items;
            if (orderBy !== null && orderField?.type === 'string') input.order_by = orderBy;
            if (orderBy !== null && items?.type === 'string') input.order_by = [orderBy];
            const checkState = draw === 0 || requests % RUNS_PER_FILTER_ROUTE === 0;
            requests++;
            if (where === 'body') {
              const text = JSON.stringify(input);
              const url = `${prefix}${group.url}`;
              const init = { method: group.method, headers: { 'content-type': 'application/json' }, body: text };
              await probe(describeCase(group.method, url, {}, text), url, init, checkState);
            } else {
              const params = new URLSearchParams(
                Object.entries(input).map(
                  ([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)] as [string, string],
                ),
              );
              const url = `${prefix}${group.url}?${params}`;
              await probe(describeCase(group.method, url, {}, undefined), url, { method: group.method }, checkState);
            }
          },
        ),
        { numRuns: RUNS_PER_FILTER_ROUTE, seed: BASE_SEED + 10_000 + index },
      );
    }
    expect(failures.slice(earlier)).toEqual([]);
    expect(requests).toBe(searchable.length * RUNS_PER_FILTER_ROUTE);
  });

  it.each(REGRESSIONS)('answers $name as the fixed server does', async (regression) => {
    const label = describeCase(regression.method, regression.url, regression.headers ?? {}, regression.body);
    const earlier = failures.length;
    const outcome = await probe(label, regression.url, {
      method: regression.method,
      headers: regression.headers ?? {},
      body: regression.body,
    });
    expect(failures.slice(earlier)).toEqual([]);
    expect(outcome?.status, outcome?.text).toBe(regression.status);
  });

  it('leaves an audit log that verifies', async () => {
    if (process.env.FUZZ_TRACE) console.log([...statuses.entries()].sort());
    const verified = await auditVerify({ backendStoreUri: api.backendUri });
    expect(verified.code, verified.stderr).toBe(0);
  });
});
