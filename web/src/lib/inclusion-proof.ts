import type { InclusionProofBundle } from '../api/governance-client.js';

/**
 * Checks an audit event's inclusion proof in the browser with WebCrypto: the event matches its own hash, and its
 * Merkle leaf (RFC 9162: SHA-256 of 0x00 ‖ the event's canonical JSON) walks up the inclusion path to the root of
 * the checkpoint. A port of src/domain/provenance/inclusion-proof-bundle.ts, which hashes with node:crypto; the
 * unit test holds the two to the same vectors. The checkpoint's Ed25519 signature is not checked here: `mnemo audit
 * verify-proof` checks the downloaded proof against the trusted keys.
 */

export type Bytes = Uint8Array<ArrayBuffer>;

const HEX = /^[0-9a-f]{64}$/;
const encoder = new TextEncoder();

export async function sha256(bytes: Uint8Array): Promise<Bytes> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Bytes));
}

const concat = (...parts: Uint8Array[]): Bytes => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
};

export const toHex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
export const fromHex = (hex: string): Bytes | undefined =>
  typeof hex === 'string' && HEX.test(hex)
    ? new Uint8Array(hex.match(/../g)!.map((pair) => Number.parseInt(pair, 16)))
    : undefined;

export const leafHash = (leaf: Uint8Array): Promise<Bytes> => sha256(concat(new Uint8Array([0]), leaf));
export const nodeHash = (left: Uint8Array, right: Uint8Array): Promise<Bytes> =>
  sha256(concat(new Uint8Array([1]), left, right));

const equal = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((byte, i) => byte === b[i]);
const isOdd = (n: number) => n % 2 === 1;
const half = (n: number) => Math.floor(n / 2);

/** RFC 9162 section 2.1.3.2, step by step as in src/domain/provenance/merkle-verify.ts. */
export async function verifyInclusion(
  leaf: Uint8Array,
  leafIndex: number,
  treeSize: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): Promise<boolean> {
  if (!Number.isSafeInteger(leafIndex) || !Number.isSafeInteger(treeSize) || leafIndex < 0) return false;
  if (leafIndex >= treeSize) return false;
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r: Uint8Array = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      r = await nodeHash(p, r);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && equal(r, root);
}

type EventFields = InclusionProofBundle['event'];
const FIELDS = ['seq', 'time', 'actor', 'action', 'entityKind', 'entityId', 'stateDigest', 'requestId', 'prevHash'];

/** Canonical JSON (RFC 8785) of a flat record of strings and numbers: sorted keys, JSON.stringify's forms. */
const flatCanonicalJson = (record: Record<string, unknown>): string =>
  `{${Object.keys(record)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${JSON.stringify(record[key])}`)
    .join(',')}}`;

const pick = (event: EventFields, withHash: boolean): Record<string, unknown> => {
  const source = event as unknown as Record<string, unknown>;
  const picked = Object.fromEntries(FIELDS.map((field) => [field, source[field]]));
  return withHash ? { ...picked, hash: event.hash } : picked;
};

/** Returns why the bundle does not prove its event's inclusion under its checkpoint, or undefined when it does. */
export async function inclusionProblem(bundle: InclusionProofBundle): Promise<string | undefined> {
  const event = bundle.event;
  if (typeof event !== 'object' || event === null) return 'the proof carries no event';
  const source = event as unknown as Record<string, unknown>;
  if (!Number.isSafeInteger(event.seq) || !Number.isSafeInteger(event.time)) return 'the event has no valid seq/time';
  const missing = [...FIELDS.slice(2), 'hash'].find((field) => typeof source[field] !== 'string');
  if (missing) return `the event has no string field '${missing}'`;
  if (toHex(await sha256(encoder.encode(flatCanonicalJson(pick(event, false))))) !== event.hash) {
    return `event ${event.seq} does not match its hash (it was edited)`;
  }
  if (bundle.leafIndex !== event.seq - 1) return `the leaf index must be the event's seq - 1 (${event.seq - 1})`;
  const checkpoint = bundle.checkpoint;
  if (typeof checkpoint !== 'object' || checkpoint === null) return 'the proof carries no checkpoint';
  if (bundle.treeSize !== checkpoint.treeSize) return 'the proof is for another tree size than its checkpoint';
  const root = fromHex(checkpoint.rootHash);
  if (!root) return 'the checkpoint root is not a SHA-256 hex hash';
  if (!Array.isArray(bundle.inclusionPath)) return 'the proof has no inclusionPath';
  const path = bundle.inclusionPath.map(fromHex);
  if (path.some((h) => h === undefined)) return 'the inclusion path holds a value that is not a SHA-256 hex hash';
  const leaf = await leafHash(encoder.encode(flatCanonicalJson(pick(event, true))));
  if (!(await verifyInclusion(leaf, bundle.leafIndex, checkpoint.treeSize, path as Bytes[], root))) {
    return `the inclusion path does not lead from event ${event.seq} to the checkpoint root`;
  }
  return undefined;
}
