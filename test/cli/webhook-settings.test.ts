import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { signatureValid, WebhookReceiver } from '../mlflow/support/webhook-receiver.js';
import { startCliServer, stopped } from '../support/cli-server.js';

describe('mnemo server webhook settings', () => {
  const receiver = new WebhookReceiver();
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mnemo-cli-hooks-'));
    await receiver.start();
  });
  afterAll(async () => {
    await receiver.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('seals secrets with the key in --secret-key-file and delivers to loopback with --allow-private-webhook-urls', async () => {
    const key = randomBytes(32);
    const keyFile = join(dir, 'secret.key');
    await writeFile(keyFile, `${key.toString('hex')}\n`, { mode: 0o600 });
    const db = `sqlite:///${join(dir, 'mnemo.db')}`;
    const server = await startCliServer(['--port', '0', '--allow-private-webhook-urls'], {
      MNEMO_BACKEND_STORE_URI: db,
      MNEMO_ARTIFACTS_DESTINATION: join(dir, 'artifacts'),
      MNEMO_SECRET_KEY_FILE: keyFile,
      MNEMO_SIGNING_KEY_FILE: join(dir, 'signing.pem'),
    });
    try {
      const created = await fetch(`${server.url}/api/2.0/mlflow/webhooks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          name: 'cli',
          url: receiver.url,
          events: [{ entity: 'MODEL_VERSION', action: 'CREATED' }],
          secret: 'cli-secret',
        }),
      });
      const id = ((await created.json()) as { webhook: { webhook_id: string } }).webhook.webhook_id;
      const tested = await fetch(`${server.url}/api/2.0/mlflow/webhooks/${id}/test`, { method: 'POST' });
      expect(await tested.json()).toEqual({ result: { success: true, response_status: 200, response_body: 'ok' } });
      expect(signatureValid(receiver.received[0]!, 'cli-secret')).toBe(true);
    } finally {
      server.child.kill('SIGTERM');
      await stopped(server.child);
    }
    const store = await openStore(db);
    try {
      const keyId = createHash('sha256').update(key).digest().subarray(0, 8).toString('hex');
      const row = await store.db.selectFrom('webhooks').select('secret').executeTakeFirstOrThrow();
      expect(row.secret!.split('.')[1]).toBe(keyId);
      expect(await store.db.selectFrom('secret_keys').selectAll().execute()).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('refuses to start with a malformed MNEMO_SECRET_KEY', async () => {
    await expect(
      startCliServer(['--port', '0'], {
        MNEMO_BACKEND_STORE_URI: `sqlite:///${join(dir, 'other.db')}`,
        MNEMO_ARTIFACTS_DESTINATION: join(dir, 'artifacts'),
        MNEMO_SIGNING_KEY_FILE: join(dir, 'signing.pem'),
        MNEMO_SECRET_KEY: 'password123',
      }),
    ).rejects.toThrow(/MNEMO_SECRET_KEY.*32 random bytes/);
  });
});
