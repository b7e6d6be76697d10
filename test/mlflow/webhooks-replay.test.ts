import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';
import type { Exchange } from './support/fixtures.js';
import { shapeDifferences } from './support/shape.js';

/** The webhook exchanges (0063–0067) the official MLflow 3.6 and 3.10 clients had with a real MLflow server. */
function webhookExchanges(set: string): Exchange[] {
  const dir = new URL(`../fixtures/mlflow/${set}/`, import.meta.url).pathname;
  return readdirSync(dir)
    .filter((name) => /^006[3-7]-.*webhooks.*\.json$/.test(name))
    .sort()
    .map((file) => ({ file, ...(JSON.parse(readFileSync(join(dir, file), 'utf8')) as Omit<Exchange, 'file'>) }));
}

const SETS = ['official-client-3', 'official-client-3.10'];

describe.each(backends)('recorded MLflow 3 webhook exchanges replayed on $name', (backend) => {
  const api = useTestServer(backend);

  it.each(SETS)('%s: same statuses, fields and values (ids mapped, clocks by type)', async (set) => {
    const exchanges = webhookExchanges(set);
    expect(exchanges.map((e) => `${e.method} ${e.path.replace(/[0-9a-f-]{36}$/, '<id>')}`)).toEqual([
      'POST /api/2.0/mlflow/webhooks',
      'GET /api/2.0/mlflow/webhooks',
      'GET /api/2.0/mlflow/webhooks/<id>',
      'PATCH /api/2.0/mlflow/webhooks/<id>',
      'DELETE /api/2.0/mlflow/webhooks/<id>',
    ]);
    const ids = new Map<string, string>();
    const mapIds = (text: string) =>
      text.replace(/[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}/g, (id) => ids.get(id) ?? id);
    for (const exchange of exchanges) {
      const query = new URLSearchParams(exchange.query).toString();
      const path = mapIds(exchange.path) + (query ? `?${query}` : '');
      const body =
        exchange.request_body === null ? undefined : JSON.parse(mapIds(JSON.stringify(exchange.request_body)));
      const reply = await api.call(exchange.method, path, body);
      expect(reply.status, `${exchange.file}: ${JSON.stringify(reply.body)}`).toBe(exchange.status);
      const recorded = exchange.response_body as { webhook?: { webhook_id: string } };
      const actual = reply.body as { webhook?: { webhook_id: string } };
      if (exchange.method === 'POST') ids.set(recorded.webhook!.webhook_id, actual.webhook!.webhook_id);
      const expected = JSON.parse(mapIds(JSON.stringify(exchange.response_body)));
      expect(shapeDifferences(expected, reply.body), exchange.file).toEqual([]);
    }
    const after = await api.call(
      'GET',
      exchanges[2]!.path.replace(/[0-9a-f-]{36}$/, (id) => ids.get(id) ?? id),
    );
    expect(after.status).toBe(404);
  });
});
