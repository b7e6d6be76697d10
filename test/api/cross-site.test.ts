import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';

/** A request with exactly the headers given (fetch would set Host and Origin itself). */
function send(
  url: string,
  method: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => {
        text += chunk.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe.each(backends)('requests from other sites against a local server, on $name', (backend) => {
  const api = useTestServer(backend);
  const host = () => new URL(api.url).host;

  it('refuses state changes sent by pages on other sites, and changes nothing', async () => {
    const keysBefore = (await api.call<{ keys: unknown[] }>('GET', '/api/v1/keys')).body.keys.length;
    const rotate = await send(`${api.url}/api/v1/keys/rotate`, 'POST', { origin: 'https://evil.example' });
    expect(rotate.status).toBe(403);
    expect(JSON.parse(rotate.text)).toMatchObject({ error_code: 'PERMISSION_DENIED', message: /evil\.example/ });
    const form = await send(
      `${api.url}/api/v1/audit/checkpoints`,
      'POST',
      { 'content-type': 'application/x-www-form-urlencoded' },
      'a=1',
    );
    expect(form.status).toBe(400);
    expect(JSON.parse(form.text).message).toMatch(/form on any site can send; send application\/json/);
    const fetchSite = await send(
      `${api.url}/api/v1/experiments`,
      'POST',
      { 'sec-fetch-site': 'cross-site', 'content-type': 'application/json' },
      JSON.stringify({ name: 'from-elsewhere' }),
    );
    expect(fetchSite.status).toBe(403);
    expect((await api.call<{ keys: unknown[] }>('GET', '/api/v1/keys')).body.keys.length).toBe(keysBefore);
    expect((await api.call('GET', '/api/v1/audit/checkpoints/latest')).body).not.toHaveProperty('checkpoint.treeSize');
    expect((await api.call('GET', '/api/v1/experiments/by-name/from-elsewhere')).status).toBe(404);
  });

  it("lets the server's own pages and non-browser clients write", async () => {
    const sameOrigin = await send(
      `${api.url}/api/v1/experiments`,
      'POST',
      { origin: api.url, 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' },
      JSON.stringify({ name: 'from-the-ui' }),
    );
    expect(sameOrigin.status).toBe(201);
    expect((await send(`${api.url}/api/v1/audit/checkpoints`, 'POST', {})).status).toBe(201);
  });

  it('answers only host names it serves (DNS rebinding)', async () => {
    const rebound = await send(
      `${api.url}/api/v1/experiments/search`,
      'POST',
      {
        host: `evil.example:${new URL(api.url).port}`,
        'content-type': 'application/json',
      },
      '{}',
    );
    expect(rebound.status).toBe(403);
    expect(JSON.parse(rebound.text).message).toMatch(/--allowed-hosts/);
    const read = await send(`${api.url}/api/v1/keys`, 'GET', { host: 'attacker.example' });
    expect(read.status).toBe(403);
    expect(read.text).not.toContain('publicKey');
    const local = await send(`${api.url}/api/v1/keys`, 'GET', { host: `localhost:${new URL(api.url).port}` });
    expect(local.status).toBe(200);
    expect((await send(`${api.url}/api/v1/keys`, 'GET', { host: host() })).status).toBe(200);
  });

  it('sends security headers with every answer', async () => {
    for (const path of ['/api/v1/keys', '/api/v1/nothing-here', '/api/2.0/mlflow/experiments/get?experiment_id=0']) {
      const answer = await send(`${api.url}${path}`, 'GET', {});
      expect(answer.headers['x-content-type-options'], path).toBe('nosniff');
      expect(answer.headers['x-frame-options'], path).toBe('DENY');
      expect(answer.headers['referrer-policy'], path).toBe('same-origin');
    }
  });
});
