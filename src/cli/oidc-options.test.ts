import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { oidcSettings } from './oidc-options.js';

describe('oidcSettings', () => {
  const base = { oidcIssuer: 'https://id.example.com', oidcClientId: 'mnemo' };
  afterEach(() => {
    delete process.env.MNEMO_OIDC_CLIENT_SECRET;
  });

  it('is off without an issuer', async () => {
    expect(await oidcSettings({}, true)).toBeUndefined();
  });

  it('reads the options with their defaults', async () => {
    process.env.MNEMO_OIDC_CLIENT_SECRET = ' from-env ';
    expect(await oidcSettings({ ...base, publicUrl: 'https://mnemo.example.com' }, true)).toEqual({
      issuer: 'https://id.example.com',
      clientId: 'mnemo',
      clientSecret: 'from-env',
      audience: undefined,
      claims: { username: 'preferred_username', groups: 'groups' },
      publicUrl: 'https://mnemo.example.com',
    });
  });

  it('takes the secret from the file over the environment', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mnemo-oidc-'));
    try {
      await writeFile(join(dir, 'secret'), 'from-file\n');
      process.env.MNEMO_OIDC_CLIENT_SECRET = 'from-env';
      const settings = await oidcSettings({ ...base, oidcClientSecretFile: join(dir, 'secret') }, true);
      expect(settings?.clientSecret).toBe('from-file');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses incomplete or malformed settings', async () => {
    await expect(oidcSettings(base, false)).rejects.toThrow(/needs --auth/);
    await expect(oidcSettings({ oidcIssuer: base.oidcIssuer }, true)).rejects.toThrow(/--oidc-client-id/);
    await expect(oidcSettings({ ...base, oidcIssuer: 'id.example.com' }, true)).rejects.toThrow(/must be a URL/);
    await expect(oidcSettings({ ...base, publicUrl: 'ftp://x' }, true)).rejects.toThrow(/http\(s\) URL/);
  });
});
