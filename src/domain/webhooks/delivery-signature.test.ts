import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkWebhookSecret, signingKeyOf } from './delivery-signature.js';

describe('webhook signing keys', () => {
  it('decodes a Standard Webhooks secret and keys any other with its text', () => {
    const bytes = randomBytes(24);
    expect(signingKeyOf(`whsec_${bytes.toString('base64')}`).equals(bytes)).toBe(true);
    expect(signingKeyOf('plain-secret').toString('utf8')).toBe('plain-secret');
  });

  it('accepts 24 to 64 bytes after the prefix and any secret without it', () => {
    for (const n of [24, 32, 64])
      expect(() => checkWebhookSecret(`whsec_${randomBytes(n).toString('base64')}`)).not.toThrow();
    expect(() => checkWebhookSecret('whsec-anything')).not.toThrow();
  });

  it.each([
    'whsec_',
    'whsec_abc',
    `whsec_${randomBytes(23).toString('base64')}`,
    `whsec_${randomBytes(32).toString('base64url')}_`,
  ])('refuses %s', (secret) => {
    expect(() => checkWebhookSecret(secret)).toThrow(/Standard Webhooks secret/);
  });
});
