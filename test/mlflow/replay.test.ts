import { describe, expect, it } from 'vitest';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';
import { type Exchange, loadExchanges } from './support/fixtures.js';
import { IdMap, isObject } from './support/id-map.js';
import { shapeDifferences } from './support/shape.js';

/**
 * Where Mnemo deliberately answers differently from the recorded MLflow 2.9 server, and why. Each entry edits the
 * recorded answer into the one Mnemo must give, so the difference itself is pinned too.
 */
const KNOWN_DIFFERENCES: Record<string, (recorded: Record<string, unknown>) => void> = {
  // MLflow hands out a page token whenever a page is full, even when no run follows; Mnemo only when one does,
  // which spares the client a request for an empty page.
  '0031-POST-mlflow-runs-search.json': (recorded) => {
    delete recorded.next_page_token;
  },
};

const exchanges = loadExchanges();

function requestBody(exchange: Exchange, ids: IdMap): string | Buffer | undefined {
  const body = ids.apply(exchange.request_body);
  if (body === null || body === undefined) return undefined;
  if (typeof body === 'string') return body;
  if (isObject(body) && typeof body.base64 === 'string' && exchange.request_content_type !== 'application/json') {
    return Buffer.from(body.base64, 'base64');
  }
  return JSON.stringify(body);
}

describe.each(backends)('replaying the official MLflow client session on $name', (backend) => {
  const api = useTestServer(backend);
  const ids = new IdMap();

  it('has all the recorded exchanges to replay', () => {
    expect(exchanges.length).toBe(57);
  });

  for (const exchange of exchanges) {
    it(`${exchange.file}`, async () => {
      const query = new URLSearchParams(
        Object.entries(exchange.query).map(([k, v]) => [k, ids.applyToString(v, k)] as [string, string]),
      ).toString();
      const body = requestBody(exchange, ids);
      const response = await fetch(`${api.url}${ids.applyToString(exchange.path)}${query ? `?${query}` : ''}`, {
        method: exchange.method,
        headers: exchange.request_content_type ? { 'content-type': exchange.request_content_type } : {},
        body,
      });
      const text = await response.text();
      expect(response.status, text).toBe(exchange.status);

      if (exchange.response_content_type !== 'application/json') {
        expect(response.headers.get('content-type')).toContain(exchange.response_content_type);
        expect(text).toBe(exchange.response_body);
        return;
      }
      const actual: unknown = JSON.parse(text);
      if (exchange.status === 200) ids.learn(exchange.response_body, actual);
      const recorded = ids.apply(structuredClone(exchange.response_body)) as Record<string, unknown>;
      KNOWN_DIFFERENCES[exchange.file]?.(recorded);
      expect(shapeDifferences(recorded, actual)).toEqual([]);
    });
  }
});
