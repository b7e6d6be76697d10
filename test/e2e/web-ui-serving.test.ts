import { beforeAll, describe, expect, it } from 'vitest';
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
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect(asset.headers.get('content-type')).toContain('javascript');
    const code = await asset.text();
    expect(code.length).toBeGreaterThan(1000);
    // React's production build: the development one (JSX dev runtime, dev-tools hooks) is larger and far slower.
    expect(code).not.toContain('jsxDEV');
    const missing = await fetch(`${api.url}/assets/missing-123.js`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error_code: 'ENDPOINT_NOT_FOUND' });
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
