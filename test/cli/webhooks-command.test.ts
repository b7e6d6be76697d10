import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, callAs, ok } from '../access/access-fixture.js';
import { signatureValid, WebhookReceiver } from '../mlflow/support/webhook-receiver.js';
import { backends } from '../support/backends.js';
import { CLI_BUNDLE } from '../support/cli-bundle.js';
import { useTestServer } from '../support/test-server.js';

const root = join(import.meta.dirname, '../..');
const SLOW = { timeout: 120_000 };

function mnemo(url: string, args: string[], env: Record<string, string> = {}) {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('MLFLOW_') && !key.startsWith('MNEMO_')),
  );
  const child = spawn(process.execPath, [CLI_BUNDLE, 'webhooks', ...args], {
    cwd: root,
    env: { ...inherited, MNEMO_TRACKING_URI: url, MNEMO_TRACKING_TOKEN: ADMIN_TOKEN, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe.each(backends)('mnemo webhooks on $name', (backend) => {
  const api = useTestServer(backend, {
    server: {
      auth: { enabled: true, adminToken: ADMIN_TOKEN },
      webhookDelivery: { allowPrivateAddresses: true, pollMs: 100 },
    },
  });
  const receiver = new WebhookReceiver();
  beforeAll(async () => {
    await receiver.start();
  });
  afterAll(async () => {
    await receiver.stop();
  });

  it('creates, lists, tests, shows deliveries of, updates and deletes a webhook', SLOW, async () => {
    const created = await mnemo(
      api.url,
      [
        'create',
        '--name',
        'ci',
        '--url',
        receiver.url,
        '--event',
        'registered_model.created',
        '--secret',
        'HOOK_SECRET',
        '--json',
      ],
      { HOOK_SECRET: 'cli-hook-secret' },
    );
    expect(created.code, created.stderr).toBe(0);
    const id = (JSON.parse(created.stdout) as { webhook_id: string }).webhook_id;

    const listed = await mnemo(api.url, ['list']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(id);
    expect(listed.stdout).toContain('REGISTERED_MODEL.CREATED');

    const tested = await mnemo(api.url, ['test', id]);
    expect(tested.code, tested.stderr).toBe(0);
    expect(tested.stdout).toContain('Delivered: the receiver answered 200');
    expect(signatureValid(receiver.received[0]!, 'cli-hook-secret')).toBe(true);

    await ok(callAs(api.url, ADMIN_TOKEN, 'POST', '/api/2.0/mlflow/registered-models/create', { name: 'from-cli' }));
    await receiver.waitFor(2);
    await api.server.services.webhooks.dispatcher.settled();
    const deliveries = await mnemo(api.url, ['deliveries', id, '--json']);
    expect(deliveries.code, deliveries.stderr).toBe(0);
    expect(JSON.parse(deliveries.stdout)).toMatchObject([
      { event: 'REGISTERED_MODEL.CREATED', status: 'SUCCEEDED', last_status_code: 200 },
    ]);

    // A test the receiver refuses is a failed check: exit code 1.
    receiver.answerWith({ status: 500 });
    const refused = await mnemo(api.url, ['test', id]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('Not delivered');

    const updated = await mnemo(api.url, ['update', id, '--status', 'disabled', '--json']);
    expect(updated.code, updated.stderr).toBe(0);
    expect(JSON.parse(updated.stdout)).toMatchObject({ status: 'DISABLED' });

    const bad = await mnemo(api.url, [
      'create',
      '--name',
      'x',
      '--url',
      'ftp://example.com',
      '--event',
      'MODEL_VERSION.CREATED',
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/http or https/);

    const deleted = await mnemo(api.url, ['delete', id]);
    expect(deleted.code).toBe(0);
    const gone = await mnemo(api.url, ['delete', id]);
    expect(gone.code).not.toBe(0);
  });
});
