import type { KeyObject } from 'node:crypto';
import { signBytes, strictBase64, verifyBytes } from './signing-key.js';
import type { TrustedKeys } from './trusted-keys.js';

/** A DSSE envelope (github.com/secure-systems-lab/dsse, protocol v1). */
export interface DsseEnvelope {
  payload: string;
  payloadType: string;
  signatures: { keyid: string; sig: string }[];
}

/**
 * Pre-Authentication Encoding: "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, lengths as ASCII decimal byte
 * counts. Signing this rather than the bare payload binds the payload type into the signature.
 */
export function pae(payloadType: string, payload: Uint8Array): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([
    Buffer.from(`DSSEv1 ${type.length} `, 'utf8'),
    type,
    Buffer.from(` ${payload.length} `, 'utf8'),
    payload,
  ]);
}

export function signEnvelope(
  payloadType: string,
  payload: Uint8Array,
  signer: { keyId: string; privateKey: KeyObject },
): DsseEnvelope {
  const sig = signBytes(signer.privateKey, pae(payloadType, payload));
  return {
    payload: Buffer.from(payload).toString('base64'),
    payloadType,
    signatures: [{ keyid: signer.keyId, sig: sig.toString('base64') }],
  };
}

export type EnvelopeCheck =
  | { ok: true; payload: Buffer; payloadType: string; keyId: string }
  | { ok: false; reason: string };

/**
 * Checks an envelope's shape and that at least one of its signatures verifies with a trusted key. Key ids in the
 * envelope are unauthenticated hints: each signature is tried against the key of that id, else against every key.
 */
export function verifyEnvelope(envelope: unknown, keys: TrustedKeys, expectedPayloadType?: string): EnvelopeCheck {
  if (typeof envelope !== 'object' || envelope === null || Array.isArray(envelope)) {
    return { ok: false, reason: 'the envelope is not a JSON object' };
  }
  const { payload, payloadType, signatures } = envelope as Record<string, unknown>;
  if (typeof payloadType !== 'string') return { ok: false, reason: 'the envelope has no string "payloadType"' };
  if (expectedPayloadType !== undefined && payloadType !== expectedPayloadType) {
    return { ok: false, reason: `payloadType is '${payloadType}', expected '${expectedPayloadType}'` };
  }
  const body = strictBase64(payload);
  if (!body) return { ok: false, reason: 'the envelope "payload" is missing or not valid base64' };
  if (!Array.isArray(signatures) || signatures.length === 0) {
    return { ok: false, reason: 'the envelope carries no signatures' };
  }
  const message = pae(payloadType, body);
  const tried: string[] = [];
  for (const entry of signatures as unknown[]) {
    const { keyid, sig } = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
    const signature = strictBase64(sig);
    if (!signature) return { ok: false, reason: 'a signature is missing or not valid base64' };
    const hinted = typeof keyid === 'string' ? keys.get(keyid) : undefined;
    const candidates = hinted ? [[keyid as string, hinted] as const] : [...keys.entries()];
    for (const [id, key] of candidates) {
      if (verifyBytes(key, message, signature)) return { ok: true, payload: body, payloadType, keyId: id };
    }
    tried.push(typeof keyid === 'string' && keyid !== '' ? keyid : '(no key id)');
  }
  return {
    ok: false,
    reason:
      `no signature verifies with the trusted key(s) ${[...keys.keys()].join(', ')} ` +
      `(signed by ${tried.join(', ')}): the envelope was altered or signed by another key`,
  };
}
