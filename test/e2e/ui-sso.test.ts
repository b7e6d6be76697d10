import { createServer } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN } from '../access/access-fixture.js';
import { backends } from '../support/backends.js';
import { startTestProvider, type TestProvider } from '../support/oidc-test-provider.js';
import { useTestServer } from '../support/test-server.js';
import { launchBrowser, screenshot, watchErrors } from './support/browser.js';
import { ensureUiBuilt } from './support/build-ui.js';

const SECRET = 'mnemo-client-secret-for-browser-tests-0123';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// The provider must know Mnemo's callback address before Mnemo starts, so Mnemo gets a port chosen in advance.
const port = await freePort();
const publicUrl = `http://127.0.0.1:${port}`;
const { privateKey } = await generateKeyPair('RS256', { extractable: true });
const provider: TestProvider = await startTestProvider({
  clients: [
    {
      client_id: 'mnemo',
      client_secret: SECRET,
      redirect_uris: [`${publicUrl}/api/v1/auth/sso/callback`],
      grant_types: ['authorization_code'],
      response_types: ['code'],
    },
  ],
  signingKey: { ...(await exportJWK(privateKey)), kid: 'browser-test-key', alg: 'RS256', use: 'sig' },
});
afterAll(() => provider.close());

/** The sign-in page's single sign-on button, followed in Chromium through a real OpenID Connect provider. */
describe('signing in with SSO in Chromium', () => {
  const api = useTestServer(backends[0]!, {
    server: {
      port,
      auth: {
        enabled: true,
        adminToken: ADMIN_TOKEN,
        oidc: { issuer: provider.issuer, clientId: 'mnemo', clientSecret: SECRET, publicUrl },
      },
    },
  });
  let browser: Browser;

  beforeAll(async () => {
    await ensureUiBuilt();
    browser = await launchBrowser();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('offers SSO on the sign-in page and comes back signed in as the provider’s user', async () => {
    provider.accounts.set('sam-subject', { preferred_username: 'sam', name: 'Sam Sso' });
    provider.signInAs = 'sam-subject';
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 }, colorScheme: 'light' });
    page.setDefaultTimeout(15_000);
    const errors = watchErrors(page);
    // A page opened while signed out is where single sign-on comes back to.
    await page.goto(`${api.url}/models`);
    await page.waitForURL(/\/sign-in/);
    const sso = page.getByRole('link', { name: 'Sign in with SSO' });
    expect(await sso.getAttribute('href')).toBe('/api/v1/auth/sso/start?next=%2Fmodels');
    await screenshot(page, 'sign-in-sso');
    await sso.click();
    await page.waitForURL(`${api.url}/models`);
    await page.getByTestId('user-menu').getByText('Sam Sso').waitFor();
    expect(errors).toEqual([]);
  });
});
