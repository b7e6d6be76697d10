import { randomUUID } from 'node:crypto';
import {
  DELIVERY_ID_HEADER,
  SIGNATURE_HEADER,
  signDelivery,
  TIMESTAMP_HEADER,
} from '../../domain/webhooks/delivery-signature.js';
import { type Announcement, deliveryBody } from '../../domain/webhooks/payloads.js';

/** Where one delivery goes: the webhook's URL and its secret, opened (undefined when it has none). */
export interface DeliveryTarget {
  url: string;
  secret: string | undefined;
}

/** How one attempt ended: the receiver's answer, or why there was none. */
export type AttemptResult =
  | { answered: true; status: number; body: string; retryAfterMs: number | undefined }
  | { answered: false; error: string };

/** The most of a receiver's answer kept (a test delivery reports it to the client). */
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * Sends one delivery: a POST of the JSON payload with MLflow's delivery id, timestamp and signature headers, given up
 * after `timeoutMs` (the answer's body included). Redirects are not followed: a receiver is the URL it was given.
 */
export async function sendDelivery(
  target: DeliveryTarget,
  announcement: Announcement,
  options: { timeoutMs: number; now: () => number; signal?: AbortSignal },
): Promise<AttemptResult> {
  const sentAt = new Date(options.now());
  const body = deliveryBody(announcement, sentAt);
  const deliveryId = randomUUID();
  const timestamp = String(Math.floor(sentAt.getTime() / 1000));
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    [DELIVERY_ID_HEADER]: deliveryId,
    [TIMESTAMP_HEADER]: timestamp,
  };
  if (target.secret) headers[SIGNATURE_HEADER] = signDelivery(target.secret, deliveryId, timestamp, body);
  try {
    const response = await fetch(target.url, {
      method: 'POST',
      headers,
      body,
      redirect: 'manual',
      signal: options.signal
        ? AbortSignal.any([AbortSignal.timeout(options.timeoutMs), options.signal])
        : AbortSignal.timeout(options.timeoutMs),
    });
    return {
      answered: true,
      status: response.status,
      body: await readCapped(response),
      retryAfterMs: retryAfter(response.headers.get('retry-after'), options.now()),
    };
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    const reason =
      (error as Error).name === 'TimeoutError'
        ? `no answer within ${options.timeoutMs} ms`
        : `${(error as Error).message}${cause ? ` (${cause})` : ''}`;
    return { answered: false, error: reason };
  }
}

async function readCapped(response: Response): Promise<string> {
  if (!response.body) return '';
  const chunks: Buffer[] = [];
  let size = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(Buffer.from(value));
    size += value.byteLength;
    if (size >= MAX_ANSWER_BYTES) {
      await reader.cancel();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, MAX_ANSWER_BYTES).toString('utf8');
}

/** `Retry-After` in seconds or as an HTTP date, as milliseconds from now. */
function retryAfter(header: string | null, now: number): number | undefined {
  if (header === null) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
