import { createHmac, timingSafeEqual } from 'node:crypto';
import { invalid } from '../errors.js';

/**
 * MLflow's delivery headers (Standard Webhooks conventions): a delivery id, the Unix time in seconds, and, when the
 * webhook has a secret, `v1,<base64 HMAC-SHA256>` over `<delivery id>.<timestamp>.<body>`. Signing the id and time
 * with the body lets a receiver refuse replays.
 */
export const SIGNATURE_HEADER = 'X-MLflow-Signature';
export const TIMESTAMP_HEADER = 'X-MLflow-Timestamp';
export const DELIVERY_ID_HEADER = 'X-MLflow-Delivery-Id';
/** The Standard Webhooks names of the same three values, for receivers using a Standard Webhooks library. */
export const STANDARD_ID_HEADER = 'webhook-id';
export const STANDARD_TIMESTAMP_HEADER = 'webhook-timestamp';
export const STANDARD_SIGNATURE_HEADER = 'webhook-signature';

/**
 * A secret in the Standard Webhooks form, `whsec_<base64>`: its HMAC key is the decoded bytes, which is what Standard
 * Webhooks libraries sign and verify with. Any other secret is its own key, as its UTF-8 bytes (MLflow's way).
 */
const STANDARD_SECRET_PREFIX = 'whsec_';
const STANDARD_SECRET_BYTES = { min: 24, max: 64 };

/**
 * Refuses a secret that claims the Standard Webhooks form without holding it: its key would not be what the
 * receiver's library decodes, and every delivery would fail verification with nothing telling why.
 */
export function checkWebhookSecret(secret: string): void {
  if (!secret.startsWith(STANDARD_SECRET_PREFIX)) return;
  const encoded = secret.slice(STANDARD_SECRET_PREFIX.length);
  const { min, max } = STANDARD_SECRET_BYTES;
  const bytes = /^[A-Za-z0-9+/]+={0,2}$/.test(encoded) && encoded.length % 4 === 0 ? decodedLength(encoded) : -1;
  if (bytes < min || bytes > max) {
    throw invalid(
      `A secret starting with '${STANDARD_SECRET_PREFIX}' is a Standard Webhooks secret: '${STANDARD_SECRET_PREFIX}' ` +
        `followed by the base64 of ${min} to ${max} random bytes`,
    );
  }
}

/** The HMAC key of a secret (see STANDARD_SECRET_PREFIX). */
export function signingKeyOf(secret: string): Buffer {
  return secret.startsWith(STANDARD_SECRET_PREFIX)
    ? Buffer.from(secret.slice(STANDARD_SECRET_PREFIX.length), 'base64')
    : Buffer.from(secret, 'utf8');
}

const decodedLength = (base64: string): number => (base64.length / 4) * 3 - (base64.match(/=+$/)?.[0].length ?? 0);

export function signDelivery(secret: string, deliveryId: string, timestamp: string, body: string): string {
  const mac = createHmac('sha256', signingKeyOf(secret))
    .update(`${deliveryId}.${timestamp}.${body}`, 'utf8')
    .digest('base64');
  return `v1,${mac}`;
}

/** What a receiver does: recompute and compare in constant time. */
export function verifyDeliverySignature(
  secret: string,
  deliveryId: string,
  timestamp: string,
  body: string,
  signature: string,
): boolean {
  const expected = Buffer.from(signDelivery(secret, deliveryId, timestamp, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
