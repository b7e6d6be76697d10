import { describe, expect, it } from 'vitest';
import { envVarRefusal, looksSecret } from './secret-names.js';

describe('looksSecret', () => {
  it('catches names that hold credentials', () => {
    for (const name of [
      'AWS_SECRET_ACCESS_KEY',
      'GITHUB_TOKEN',
      'MNEMO_TRACKING_TOKEN',
      'DB_PASSWORD',
      'PGPASSWORD',
      'OPENAI_API_KEY',
      'HF_APIKEY',
      'SENTRY_DSN',
      'MLFLOW_TRACKING_PASSWORD',
      'client_secret',
      'SSH_AUTH_SOCK',
    ]) {
      expect(looksSecret(name), name).toBe(true);
    }
  });

  it('lets ordinary names through', () => {
    for (const name of ['CUDA_VISIBLE_DEVICES', 'OMP_NUM_THREADS', 'PATH', 'LANG', 'KEYBOARD_LAYOUT', 'BATCH_SIZE']) {
      expect(looksSecret(name), name).toBe(false);
    }
  });
});

describe('envVarRefusal', () => {
  it('refuses malformed and secret names with a reason', () => {
    expect(envVarRefusal('A B')).toMatch(/not an environment variable name/);
    expect(envVarRefusal('API_TOKEN')).toMatch(/secret/);
    expect(envVarRefusal('CUDA_VISIBLE_DEVICES')).toBeUndefined();
  });
});
