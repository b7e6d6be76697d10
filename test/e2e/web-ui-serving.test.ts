import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_WEB_ROOT as DIST } from '../../src/api/web-ui.js';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';
import { ensureUiBuilt } from './support/build-ui.js';

describe('web UI serving', () => {
  beforeAll(ensureUiBuilt, 180_000);
  const api = useTestServer(backends[0]!);

  it('serves the app shell at / and for client-side routes, with a content security policy', async () => {
    for (const path of [
      '/',
      '/experiments/0',
      '/experiments/0/runs/abc?tab=charts',
      '/compare?runs=a,b',
      '/no/such/page',
    ]) {
      const response = await fetch(`${api.url}${path}`);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/html');
      expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
      const html = await response.text();
      expect(html).toContain('<div id="root"></div>');
    }
  });

  it('serves built assets with long-lived caching and a 404 for a missing asset', async () => {
    const html = await (await fetch(`${api.url}/`)).text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeTruthy();
    const asset = await fetch(`${api.url}${script}`);
    expect(asset.status).toBe(200);
    // Named by content hash, an asset never changes: cached for a year without revalidation. The page that names
    // them is revalidated on every load, so a new build is picked up at once.
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await fetch(`${api.url}/experiments/1`)).headers.get('cache-control')).toBe('no-cache');
    expect(asset.headers.get('content-type')).toContain('javascript');
    const code = await asset.text();
    expect(code.length).toBeGreaterThan(1000);
    // React's production build: the development one (JSX dev runtime, dev-tools hooks) is larger and far slower.
    expect(code).not.toContain('jsxDEV');
    const missing = await fetch(`${api.url}/assets/missing-123.js`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error_code: 'ENDPOINT_NOT_FOUND' });
  });

  it('compresses the bundle and JSON answers, but sends artifacts as stored', async () => {
    const html = await (await fetch(`${api.url}/`)).text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    const stored = await readFile(join(DIST, script));
    for (const encoding of ['br', 'gzip']) {
      const asset = await fetch(`${api.url}${script}`, { headers: { 'accept-encoding': encoding } });
      expect(asset.headers.get('content-encoding')).toBe(encoding);
      expect(asset.headers.get('vary')).toMatch(/accept-encoding/i);
      // fetch decodes what it receives: the result is the built file, byte for byte.
      expect(Buffer.from(await asset.arrayBuffer()).equals(stored)).toBe(true);
    }
    const plain = await fetch(`${api.url}${script}`, { headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(Buffer.from(await plain.arrayBuffer()).equals(stored)).toBe(true);

    const { experiment } = (await (
      await fetch(`${api.url}/api/v1/experiments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'compressed' }),
      })
    ).json()) as { experiment: { experimentId: string } };
    const { run } = (await (
      await fetch(`${api.url}/api/v1/runs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ experimentId: experiment.experimentId, tags: { note: 'x'.repeat(4000) } }),
      })
    ).json()) as { run: { runId: string } };
    const json = await fetch(`${api.url}/api/v1/runs/${run.runId}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(json.headers.get('content-encoding')).toBe('gzip');
    expect(((await json.json()) as { run: { tags: Record<string, string> } }).run.tags.note).toHaveLength(4000);
    const search = await fetch(`${api.url}/api/v1/runs/search`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'accept-encoding': 'br' },
      body: JSON.stringify({ experimentIds: [experiment.experimentId] }),
    });
    expect(search.headers.get('content-encoding')).toBe('br');
    expect(((await search.json()) as { runs: unknown[] }).runs).toHaveLength(1);

    const artifact = JSON.stringify({ values: 'y'.repeat(5000) });
    const put = await fetch(`${api.url}/api/v1/runs/${run.runId}/artifacts/big.json`, {
      method: 'PUT',
      body: artifact,
    });
    expect(put.status).toBe(201);
    const download = await fetch(`${api.url}/api/v1/runs/${run.runId}/artifacts/big.json`, {
      headers: { 'accept-encoding': 'gzip, br' },
    });
    expect(download.headers.get('content-encoding')).toBeNull();
    expect(download.headers.get('content-length')).toBe(String(artifact.length));
    expect(await download.text()).toBe(artifact);
  });

  it('keeps unknown API paths as JSON 404s instead of the app shell', async () => {
    for (const path of ['/api/v1/nope', '/api/2.0/mlflow/nope', '/ajax-api/2.0/x', '/api/v1']) {
      const response = await fetch(`${api.url}${path}`);
      expect(response.status, path).toBe(404);
      expect(response.headers.get('content-type')).toContain('application/json');
      const body = (await response.json()) as { error_code: string; message: string };
      expect(body.error_code).toBeTruthy();
      expect(body.message).toBeTruthy();
    }
    const post = await fetch(`${api.url}/experiments`, {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    expect(post.status).toBe(404);
    expect(((await post.json()) as { error_code: string }).error_code).toBe('ENDPOINT_NOT_FOUND');
  });

  it('does not serve files outside the build and answers malformed paths without a 500', async () => {
    for (const path of [
      '/..%2f..%2fpackage.json',
      '/%2e%2e/%2e%2e/package.json',
      '/%E0%A4%A',
      '/assets/..%2f..%2fpackage.json',
    ]) {
      const response = await fetch(`${api.url}${path}`);
      expect(response.status, path).toBeLessThan(500);
      expect(await response.text()).not.toContain('"devDependencies"');
    }
  });
});
