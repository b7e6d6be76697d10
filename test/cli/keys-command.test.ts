import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { CLI_BUNDLE } from '../support/cli-bundle.js';
import { startCliServer, stopped } from '../support/cli-server.js';

const root = join(import.meta.dirname, '../..');

/** Runs the real `mnemo` against one server, without the test's own MNEMO_/MLFLOW_ variables. */
function mnemo(url: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('MLFLOW_') && !key.startsWith('MNEMO_')),
  );
  const child = spawn(process.execPath, [CLI_BUNDLE, ...args], {
    cwd: root,
    env: { ...inherited, MNEMO_TRACKING_URI: url },
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
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const keyIdOf = (key: Buffer) => createHash('sha256').update(key).digest().subarray(0, 8).toString('hex');

describe('mnemo keys and the server encryption flags', () => {
  let dir: string;
  let db: string;
  const env = () => ({
    MNEMO_BACKEND_STORE_URI: db,
    MNEMO_ARTIFACTS_DESTINATION: join(dir, 'artifacts'),
    MNEMO_SIGNING_KEY_FILE: join(dir, 'signing.pem'),
  });
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mnemo-cli-keys-'));
    db = `sqlite:///${join(dir, 'mnemo.db')}`;
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('refuses to start with --sensitive-keys and no encryption key', async () => {
    await expect(startCliServer(['--port', '0', '--sensitive-keys', 'db.*'], env())).rejects.toThrow(
      /no encryption key/,
    );
  });

  // Two server starts and four commands, each a process of its own: more than the default time on a busy machine.
  it('encrypts with the key file, sets experiment and model patterns and rotates to a new key with exit code 0', async () => {
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    const keyFile = join(dir, 'encryption.key');
    await writeFile(keyFile, `${oldKey.toString('hex')}\n`, { mode: 0o600 });
    const flags = ['--port', '0', '--encryption-key-file', keyFile, '--sensitive-keys', '*.connection_string'];
    let server = await startCliServer(flags, env());
    let runId: string;
    try {
      const post = async (path: string, body: unknown) =>
        (await fetch(`${server.url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }).then((r) => r.json())) as Record<string, Record<string, string>>;
      const experimentId = (await post('/api/v1/experiments', { name: 'cli' })).experiment!.experimentId!;
      const set = await mnemo(server.url, ['keys', 'sensitive-keys', experimentId, 'customer.*']);
      expect(set.code, set.stderr).toBe(0);
      expect(set.stdout).toContain('customer.*');
      expect(set.stdout).toContain('*.connection_string');
      await post('/api/2.0/mlflow/registered-models/create', { name: 'cli-model' });
      const model = await mnemo(server.url, ['keys', 'model-sensitive-keys', 'cli-model', 'billing.*']);
      expect(model.code, model.stderr).toBe(0);
      expect(model.stdout).toContain('model cli-model: billing.*');
      await post('/api/2.0/mlflow/registered-models/set-tag', {
        name: 'cli-model',
        key: 'billing.account',
        value: 'acct-cli-77',
      });
      runId = (await post('/api/v1/runs', { experimentId })).run!.runId!;
      await post(`/api/v1/runs/${runId}/batch`, {
        params: { 'db.connection_string': 'postgres://cli-secret' },
        tags: { 'customer.id': 'c-1234' },
      });
    } finally {
      server.child.kill('SIGTERM');
      await stopped(server.child);
    }
    await writeFile(keyFile, `${newKey.toString('hex')}\n${oldKey.toString('hex')}\n`, { mode: 0o600 });
    server = await startCliServer(flags, env());
    try {
      const rotated = await mnemo(server.url, ['keys', 'rotate-encryption']);
      expect(rotated.code, rotated.stderr).toBe(0);
      expect(rotated.stdout).toContain(`under key ${keyIdOf(newKey)}`);
      const run = await fetch(`${server.url}/api/v1/runs/${runId}`).then((r) => r.text());
      expect(run).toContain('postgres://cli-secret');
      expect(run).toContain('c-1234');
      const model = await fetch(`${server.url}/api/v1/registered-models/cli-model`).then((r) => r.text());
      expect(model).toContain('acct-cli-77');
    } finally {
      server.child.kill('SIGTERM');
      await stopped(server.child);
    }
    const store = await openStore(db);
    try {
      const values = [
        ...(await store.db.selectFrom('run_params').select('value').execute()),
        ...(await store.db.selectFrom('run_tags').select('value').execute()),
        ...(await store.db.selectFrom('registered_model_tags').select('value').execute()),
      ].map((row) => row.value);
      const sealed = values.filter((v) => v.startsWith('mnemo-sealed:'));
      expect(sealed).toHaveLength(3);
      for (const value of sealed) expect(value.split('.')[1]).toBe(keyIdOf(newKey));
      expect(values.join('\n')).not.toContain('cli-secret');
    } finally {
      await store.close();
    }
  }, 90_000);
});
