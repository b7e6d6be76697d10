import { createHmac, timingSafeEqual } from 'node:crypto';

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

export function signDelivery(secret: string, deliveryId: string, timestamp: string, body: string): string {
  const mac = createHmac('sha256', Buffer.from(secret, 'utf8'))
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
