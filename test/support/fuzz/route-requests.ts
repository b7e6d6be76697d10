import fc from 'fast-check';
import { MLFLOW_ARTIFACT_PREFIXES, MLFLOW_TRACKING_PREFIXES } from '../../../src/api/mlflow/status-map.js';
import type { RouteEntry } from '../../../src/api/route-table.js';
import { hostileText, hostileValue, jsonText, type Mutation, mutatedJsonText, mutation } from './hostile-json.js';
import { arbitraryFor } from './json-schema-arbitrary.js';

/**
 * Requests for one route of the route table, built from the schemas it declares: a path with its parameters filled
 * (known ids, generated values, hostile segments), a query string and a JSON body generated and then maybe mutated,
 * a content type, and now and then an odd header.
 */

const HOSTILE_SEGMENTS = [
  '%ED%A0%80',
  '%00',
  'x%00y',
  'a'.repeat(300),
  '%2e%2e',
  '%E0%A4%A',
  '-1',
  '9223372036854775808',
  'NaN',
  'Infinity',
  '1e999',
  '%F0%9F%98%80',
];

const CONTENT_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'application/json; charset=latin1',
  'application/json; charset=utf-16',
  'Application/JSON',
  'application/jsonx',
  'application/octet-stream',
  ';;;',
];

export const ODD_HEADERS: Record<string, string>[] = [
  { 'idempotency-key': '' },
  { 'idempotency-key': 'k'.repeat(300) },
  { 'idempotency-key': 'key with spaces' },
  { 'idempotency-key': 'caf\u00e9' },
  { authorization: 'Bearer ' },
  { authorization: 'Bearer not-a-token' },
  { authorization: 'Basic !!!' },
  { authorization: `Bearer ${'x'.repeat(8_000)}` },
  { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.' },
  { 'x-request-id': 'r'.repeat(4_000) },
  { 'x-huge': 'h'.repeat(20_000) },
  { 'content-encoding': 'gzip' },
  { 'accept-encoding': 'br;q=NaN, gzip;q=Infinity' },
  { cookie: 'mnemo_session=\u00ff\u00fe; x=' },
  { origin: 'null' },
];

export interface RouteGroup {
  method: string;
  /** The URL without an MLflow prefix; the prefix is part of each generated case. */
  url: string;
  prefixes: string[];
  schema: RouteEntry['schema'];
}

const MLFLOW_PREFIXES = [...MLFLOW_ARTIFACT_PREFIXES, ...MLFLOW_TRACKING_PREFIXES];

/** One group per route, the MLflow routes served under several prefixes counted once. */
export function routeGroups(routes: RouteEntry[]): RouteGroup[] {
  const groups = new Map<string, RouteGroup>();
  for (const route of routes) {
    if (route.method === 'HEAD' || route.method === 'OPTIONS') continue;
    const prefix = MLFLOW_PREFIXES.find((p) => route.url.startsWith(`${p}/`)) ?? '';
    const url = route.url.slice(prefix.length);
    const key = `${route.method} ${prefix === '' ? '' : prefix.includes('artifacts') ? 'artifacts:' : 'mlflow:'}${url}`;
    const group = groups.get(key);
    if (group) group.prefixes.push(prefix);
    else groups.set(key, { method: route.method, url, prefixes: [prefix], schema: route.schema });
  }
  return [...groups.values()];
}

function encodeSegment(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return '%ED%A0%80';
  }
}

export interface Values {
  /** Ids and names the database holds, for generated strings to hit now and then. */
  known: string[];
}

export function pathArbitrary(group: RouteGroup, values: Values): fc.Arbitrary<string> {
  const names = [...group.url.matchAll(/:([A-Za-z_]+)|\*/g)].map((m) => m[1] ?? '*');
  const properties = ((group.schema.params as { properties?: Record<string, unknown> } | undefined)?.properties ??
    {}) as Record<string, unknown>;
  const segments = names.map((name) =>
    fc.oneof(
      { arbitrary: fc.constantFrom(...values.known).map(encodeSegment), weight: 3 },
      {
        arbitrary: arbitraryFor(properties[name] ?? { type: 'string' }, values.known).map((v) =>
          encodeSegment(String(v)),
        ),
        weight: 2,
      },
      fc.constantFrom(...HOSTILE_SEGMENTS),
      name === '*' ? fc.constantFrom('a/b.txt', 'dir/', '../x', 'a//b', '%2F', 'model/MLmodel') : fc.constantFrom('x'),
    ),
  );
  return fc.tuple(fc.constantFrom(...group.prefixes), ...segments).map(([prefix, ...filled]) => {
    let i = 0;
    return prefix + group.url.replace(/:[A-Za-z_]+|\*/g, () => filled[i++] as string);
  });
}

export interface QueryCase {
  text: string;
  /** Whether the text was changed after generation from the route's schema. */
  mutated: boolean;
}

export function queryArbitrary(group: RouteGroup, values: Values): fc.Arbitrary<QueryCase> {
  const generated = group.schema.querystring
    ? arbitraryFor(group.schema.querystring, values.known)
    : fc.constant({} as unknown);
  const change = fc.tuple(
    fc.constantFrom('replace', 'repeat', 'raw'),
    fc.nat(),
    hostileText,
    fc.constantFrom(...HOSTILE_SEGMENTS),
  );
  return fc.tuple(generated, fc.option(change, { freq: 2 })).map(([query, change]) => {
    const entries = Object.entries((query ?? {}) as Record<string, unknown>).map(
      ([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)] as [string, string],
    );
    const params = new URLSearchParams(entries);
    if (change === null) return { text: params.toString(), mutated: false };
    const [kind, pick, text, segment] = change;
    const name = entries[pick % Math.max(1, entries.length)]?.[0] ?? 'filter';
    if (kind === 'replace') params.set(name, text);
    if (kind === 'repeat') params.append(name, text);
    const encoded = params.toString();
    return { text: kind === 'raw' ? `${encoded}${encoded ? '&' : ''}${name}=${segment}` : encoded, mutated: true };
  });
}

export interface BodyCase {
  /** The valid-looking body before mutation. */
  value: unknown;
  change: Mutation | null;
  contentType: string | null;
}

export function bodyArbitrary(group: RouteGroup, values: Values): fc.Arbitrary<BodyCase> {
  const generated = group.schema.body ? arbitraryFor(group.schema.body, values.known) : hostileValue;
  return fc.record({
    value: generated,
    change: fc.option(mutation, { freq: 3 }),
    contentType: fc.oneof(
      { arbitrary: fc.constant('application/json'), weight: 6 },
      fc.constant(null),
      fc.constantFrom(...CONTENT_TYPES),
    ),
  });
}

export function bodyText(body: BodyCase): string {
  return body.change === null ? jsonText(body.value) : mutatedJsonText(body.value, body.change);
}
