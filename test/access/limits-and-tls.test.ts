import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';
import { ADMIN_TOKEN, callAs, userWithToken } from './access-fixture.js';

const sqlite = backends.filter((b) => b.name === 'sqlite');

describe.each(sqlite)('per-caller rate limits on $name', (backend) => {
  const api = useTestServer(backend, {
    server: { auth: { enabled: true, adminToken: ADMIN_TOKEN, requestsPerMinute: 5 } },
  });

  it('answers 429 with Retry-After once a token used its allowance, and counts each token apart', async () => {
    const rita = await userWithToken(api.url, 'rita');
    const otto = await userWithToken(api.url, 'otto');
    for (let i = 0; i < 5; i++) expect((await callAs(api.url, rita, 'GET', '/api/v1/experiments')).status).toBe(200);
    const refused = await callAs<{ error_code: string; message: string }>(api.url, rita, 'GET', '/api/v1/experiments');
    expect(refused.status).toBe(429);
    expect(refused.body.error_code).toBe('REQUEST_LIMIT_EXCEEDED');
    expect(refused.body.message).toMatch(/at most 5 a minute/);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await callAs(api.url, otto, 'GET', '/api/v1/experiments')).status).toBe(200);
    // Liveness checks are never limited.
    for (let i = 0; i < 8; i++) expect((await fetch(`${api.url}/health`)).status).toBe(200);
  });
});

describe.each(sqlite)('protected metrics on $name', (backend) => {
  const api = useTestServer(backend, {
    server: { auth: { enabled: true, adminToken: ADMIN_TOKEN, protectMetrics: true } },
  });

  it('asks for a token at /metrics when told to, and keeps /health open', async () => {
    expect((await fetch(`${api.url}/metrics`)).status).toBe(401);
    const scraper = await userWithToken(api.url, 'prometheus', { kind: 'service', scope: 'read' });
    const scraped = await fetch(`${api.url}/metrics`, { headers: { authorization: `Bearer ${scraper}` } });
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toContain('mnemo_http_requests_total');
    expect((await fetch(`${api.url}/health`)).status).toBe(200);
  });
});

describe.each(sqlite)('HTTPS on $name', (backend) => {
  let dir = '';
  let cert = '';
  let key = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mnemo-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    cert = await readFile(join(dir, 'cert.pem'), 'utf8');
    key = await readFile(join(dir, 'key.pem'), 'utf8');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));
  const api = useTestServer(backend, {
    server: {
      auth: { enabled: true, adminToken: ADMIN_TOKEN },
      get tls() {
        return { cert, key };
      },
    },
  });

  it('serves HTTPS itself and marks session cookies Secure', async () => {
    expect(api.url).toMatch(/^https:\/\//);
    await callHttps(api.url, cert, 'POST', '/api/v1/users', { name: 'rita', password: 'rita-password-1' }, ADMIN_TOKEN);
    const login = await callHttps(api.url, cert, 'POST', '/api/v1/auth/login', {
      username: 'rita',
      password: 'rita-password-1',
    });
    expect(login.status).toBe(200);
    expect(login.setCookie).toMatch(/Secure/);
    expect(login.setCookie).toMatch(/HttpOnly/);
  });
});

function callHttps(
  base: string,
  ca: string,
  method: string,
  path: string,
  body: unknown,
  token?: string,
): Promise<{ status: number; setCookie: string }> {
  return new Promise((resolve, reject) => {
    const payload = Buffer.from(JSON.stringify(body));
    const req = request(
      new URL(path, base),
      {
        method,
        ca,
        headers: {
          'content-type': 'application/json',
          'content-length': payload.length,
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, setCookie: [res.headers['set-cookie'] ?? []].flat().join('\n') }),
        );
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
