import { randomUUID } from 'node:crypto';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { isPublicAddress } from '../../domain/webhooks/address-policy.js';
import {
  DELIVERY_ID_HEADER,
  SIGNATURE_HEADER,
  STANDARD_ID_HEADER,
  STANDARD_SIGNATURE_HEADER,
  STANDARD_TIMESTAMP_HEADER,
  signDelivery,
  TIMESTAMP_HEADER,
} from '../../domain/webhooks/delivery-signature.js';
import { type Announcement, deliveryBody } from '../../domain/webhooks/payloads.js';

/** Where one delivery goes: the webhook's URL and its secret, opened (undefined when it has none). */
export interface DeliveryTarget {
  url: string;
  secret: string | undefined;
}

export interface SendOptions {
  timeoutMs: number;
  now: () => number;
  /** Deliver to loopback, private and other non-public addresses too (`--webhook-allow-private`). */
  allowPrivateAddresses: boolean;
  signal?: AbortSignal;
  /** The delivery's id; the same for every attempt and redelivery of one event to one webhook, so receivers can
   * drop duplicates. A fresh one when absent (a test delivery). */
  deliveryId?: string;
}

/** How one attempt ended: the receiver's answer, or why there was none. */
export type AttemptResult =
  | { answered: true; status: number; body: string; retryAfterMs: number | undefined }
  | { answered: false; error: string; final?: boolean };

/** The most of a receiver's answer kept (a test delivery reports it to the client). */
const MAX_ANSWER_BYTES = 64 * 1024;

class RefusedAddress extends Error {}

/**
 * Sends one delivery: a POST of the JSON payload with MLflow's delivery id, timestamp and signature headers, given up
 * after `timeoutMs` (the answer's body included). Redirects are not followed: a receiver is the URL it was given.
 * Unless private addresses are allowed, the address connected to must be public: checked on the address the
 * connection actually uses (every address the name resolves to), so a name that resolves differently between a
 * check and the connection (DNS rebinding) cannot slip through.
 */
export async function sendDelivery(
  target: DeliveryTarget,
  announcement: Announcement,
  options: SendOptions,
): Promise<AttemptResult> {
  const sentAt = new Date(options.now());
  const body = deliveryBody(announcement, sentAt);
  const deliveryId = options.deliveryId ?? randomUUID();
  const timestamp = String(Math.floor(sentAt.getTime() / 1000));
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    [DELIVERY_ID_HEADER]: deliveryId,
    [TIMESTAMP_HEADER]: timestamp,
    [STANDARD_ID_HEADER]: deliveryId,
    [STANDARD_TIMESTAMP_HEADER]: timestamp,
  };
  if (target.secret) {
    const signature = signDelivery(target.secret, deliveryId, timestamp, body);
    headers[SIGNATURE_HEADER] = signature;
    headers[STANDARD_SIGNATURE_HEADER] = signature;
  }
  const url = new URL(target.url);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!options.allowPrivateAddresses && isIP(host) !== 0 && !isPublicAddress(host)) {
    return { answered: false, error: refusal(host, host), final: true };
  }
  const signal = options.signal
    ? AbortSignal.any([AbortSignal.timeout(options.timeoutMs), options.signal])
    : AbortSignal.timeout(options.timeoutMs);
  const requestOptions: RequestOptions = {
    method: 'POST',
    headers,
    signal,
    agent: false,
    ...(options.allowPrivateAddresses ? {} : { lookup: publicOnlyLookup }),
  };
  try {
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const request = send(url, requestOptions, resolve);
      request.on('error', reject);
      request.end(body);
    });
    return {
      answered: true,
      status: response.statusCode ?? 0,
      body: await readCapped(response),
      retryAfterMs: retryAfter(response.headers['retry-after'], options.now()),
    };
  } catch (error) {
    if (error instanceof RefusedAddress) return { answered: false, error: error.message, final: true };
    const reason =
      signal.aborted && (signal.reason as Error | undefined)?.name === 'TimeoutError'
        ? `no answer within ${options.timeoutMs} ms`
        : (error as Error).message;
    return { answered: false, error: reason };
  }
}

const refusal = (host: string, address: string) =>
  `refused: ${host} is ${host === address ? 'a' : `at ${address}, a`} non-public address; the server must be ` +
  'started with --webhook-allow-private (or MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS=true) to deliver inside its own network';

/** Resolves as usual, then refuses the connection if any address the name resolves to is not public. */
const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, '', 0);
    const refused = addresses.find((a) => !isPublicAddress(a.address));
    if (refused) return callback(new RefusedAddress(refusal(hostname, refused.address)), '', 0);
    if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    return callback(null, addresses[0]!.address, addresses[0]!.family);
  });
};

async function readCapped(response: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response) {
    chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
    if (size >= MAX_ANSWER_BYTES) {
      response.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, MAX_ANSWER_BYTES).toString('utf8');
}

/** `Retry-After` in seconds or as an HTTP date, as milliseconds from now. */
function retryAfter(header: string | undefined, now: number): number | undefined {
  if (header === undefined) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
