import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  type AuditEvent,
  auditEventTexts,
  auditLeafBytes,
  auditLeafJson,
  recomputeEventHash,
  type StoredAuditEvent,
} from './audit-event.js';
import { canonicalJson } from './canonical-json.js';
import { leafHash } from './merkle-hash.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** What the hash and the leaf are defined as: the generic canonical JSON of the fields. */
const fieldsOf = (e: AuditEvent) => ({
  seq: e.seq,
  time: e.time,
  actor: e.actor,
  action: e.action,
  entityKind: e.entityKind,
  entityId: e.entityId,
  stateDigest: e.stateDigest,
  requestId: e.requestId,
  prevHash: e.prevHash,
});

const awkward = [
  '',
  'plain',
  'quote " and \\ backslash',
  'line\nbreak\ttab\u0001\u001f',
  'é ü 😀 \uFFFD',
  '\u2028\u2029',
  '</script>',
];

function events(): StoredAuditEvent[] {
  const list: StoredAuditEvent[] = [];
  awkward.forEach((text, i) => {
    list.push({
      seq: [1, 2 ** 53 - 1, 1000][i % 3]!,
      time: [0, 1_700_000_000_123, 1e21][i % 3]!,
      actor: text,
      action: `run.${text}`,
      entityKind: text || 'run',
      entityId: `${i}${text}`,
      stateDigest: 'a'.repeat(64),
      requestId: text.split('').reverse().join(''),
      prevHash: '0'.repeat(64),
      hash: text === '' ? 'f'.repeat(64) : text,
    });
  });
  return list;
}

describe('audit event hashing', () => {
  it('writes exactly the canonical JSON of the fields, for any text they hold', () => {
    for (const event of events()) {
      expect(recomputeEventHash(event)).toBe(sha256(canonicalJson(fieldsOf(event))));
      const leaf = canonicalJson({ ...fieldsOf(event), hash: event.hash });
      expect(auditLeafJson(event)).toBe(leaf);
      expect(auditLeafBytes(event).equals(Buffer.from(leaf, 'utf8'))).toBe(true);
    }
  });

  it('ignores what else the event object carries', () => {
    const [event] = events();
    const extended = { ...event!, state: '{"x":1}', extra: 42 };
    expect(recomputeEventHash(extended)).toBe(recomputeEventHash(event!));
    expect(auditLeafJson(extended)).toBe(auditLeafJson(event!));
  });

  it('treats malformed fields (from a proof someone sent) as the generic canonicalizer does', () => {
    const [event] = events();
    const missing = { ...event!, requestId: undefined } as unknown as StoredAuditEvent;
    const { requestId: _dropped, ...rest } = fieldsOf(event!);
    expect(recomputeEventHash(missing)).toBe(sha256(canonicalJson(rest)));
    const textSeq = { ...event!, seq: '7' } as unknown as StoredAuditEvent;
    expect(auditLeafJson(textSeq)).toBe(canonicalJson({ ...fieldsOf(event!), seq: '7', hash: event!.hash }));
    expect(() => recomputeEventHash({ ...event!, time: Number.NaN })).toThrow(/NaN/);
  });

  it('hashes a text leaf as its UTF-8 bytes', () => {
    for (const event of events()) {
      expect(leafHash(auditLeafJson(event)).equals(leafHash(auditLeafBytes(event)))).toBe(true);
    }
  });
});

describe('audit event texts', () => {
  it('give the hashed text and the leaf of a stored event in one pass', () => {
    for (const event of events()) {
      const texts = auditEventTexts(event);
      expect(sha256(texts.hashed)).toBe(recomputeEventHash(event));
      expect(texts.leaf).toBe(auditLeafJson(event));
      expect(texts.hashed).toBe(canonicalJson(fieldsOf(event)));
    }
  });

  it('fall back to the generic canonicalizer for malformed fields', () => {
    const [event] = events();
    const textTime = { ...event!, time: '5' } as unknown as StoredAuditEvent;
    const texts = auditEventTexts(textTime);
    expect(texts.hashed).toBe(canonicalJson({ ...fieldsOf(event!), time: '5' }));
    expect(texts.leaf).toBe(canonicalJson({ ...fieldsOf(event!), time: '5', hash: event!.hash }));
  });
});
