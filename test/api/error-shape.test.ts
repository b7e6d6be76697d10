import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';

/** Sends bytes exactly as given on a fresh connection and returns whatever the server writes before closing it. */
function exchange(url: string, bytes: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(bytes));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

/** Status and parsed JSON body of a raw HTTP/1.1 answer. */
function parse(answer: string): { status: number; body: unknown } {
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1]);
  const body = answer.slice(answer.indexOf('\r\n\r\n') + 4);
  return { status, body: JSON.parse(body) };
}

const SHAPE = { error_code: expect.any(String), message: expect.any(String) };

/**
 * Every refusal has the API's shape `{error_code, message}` and nothing else, also where the refusal comes from the
 * HTTP parser or from Fastify itself rather than from a route, and inside route groups with their own error handler.
 */
describe.each(backends)('refusals from the HTTP layer itself keep the API error shape, on $name', (backend) => {
  const api = useTestServer(backend);
  const host = () => new URL(api.url).host;

  it("answers requests Node's HTTP parser refuses with {error_code, message}", async () => {
    const badLength = parse(
      await exchange(api.url, `POST /api/v1/experiments HTTP/1.1\r\nHost: ${host()}\r\nContent-Length: abc\r\n\r\n{}`),
    );
    expect(badLength).toEqual({
      status: 400,
      body: { error_code: 'INVALID_PARAMETER_VALUE', message: expect.any(String) },
    });

    const hugeHeaders = parse(
      await exchange(api.url, `GET /health HTTP/1.1\r\nHost: ${host()}\r\nX-Filler: ${'f'.repeat(20_000)}\r\n\r\n`),
    );
    expect(hugeHeaders).toEqual({
      status: 431,
      body: { error_code: 'RESOURCE_EXHAUSTED', message: expect.any(String) },
    });

    const garbage = parse(await exchange(api.url, 'NOT AN HTTP REQUEST\r\n\r\n'));
    expect(garbage).toEqual({ status: 400, body: SHAPE });
    expect(Object.keys(garbage.body as object).sort()).toEqual(['error_code', 'message']);
  });

  it("answers Fastify's own errors with {error_code, message} in every route group, the registry's included", async () => {
    const routes: [string, string][] = [
      ['POST', '/api/v1/experiments'],
      ['POST', '/api/v1/registered-models'],
      ['PATCH', '/api/v1/registered-models/some-model'],
      ['POST', '/api/v1/schemas/model/versions'],
      ['POST', '/api/2.0/mlflow/experiments/create'],
      ['POST', '/api/2.0/mlflow/registered-models/create'],
    ];
    const requests: [string, RequestInit][] = [
      ['invalid JSON', { headers: { 'content-type': 'application/json' }, body: '{' }],
      ['empty JSON body', { headers: { 'content-type': 'application/json' }, body: '' }],
      ['forbidden prototype key', { headers: { 'content-type': 'application/json' }, body: '{"__proto__":{"x":1}}' }],
      ['body over the limit', { headers: { 'content-type': 'application/json' }, body: ' '.repeat(2 * 1024 * 1024) }],
    ];
    for (const [method, path] of routes) {
      for (const [name, init] of requests) {
        const response = await fetch(`${api.url}${path}`, { method, ...init });
        const body = await response.json();
        expect(response.status, `${name}: ${method} ${path}`).toBe(400);
        expect(body, `${name}: ${method} ${path}`).toEqual(SHAPE);
      }
      const badUrl = await fetch(`${api.url}${path}/%E0%A4%A`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(badUrl.status).toBeLessThan(500);
      expect(await badUrl.json()).toEqual(SHAPE);
    }
  });
});
