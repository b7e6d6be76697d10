import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { auditEventTexts } from '../../src/domain/provenance/audit-event.js';
import { leafHash } from '../../src/domain/provenance/merkle-hash.js';
import { DIGEST_STRIDE, LogDigester } from '../../src/services/provenance/verify/log-digests.js';
import type { WalkedAuditEvent } from '../../src/store/repositories/provenance/audit-log-walk.js';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

function event(seq: number, text: string, state: string | null): WalkedAuditEvent {
  return {
    seq,
    time: 1_700_000_000_000 + seq,
    actor: `actor ${text}`,
    action: 'run.log_batch',
    entityKind: 'run',
    entityId: `run-${seq % 7}`,
    stateDigest: 'a'.repeat(64),
    requestId: text,
    prevHash: 'b'.repeat(64),
    hash: 'c'.repeat(64),
    state,
  };
}

describe('hashing the log on a second thread', () => {
  const digester = new LogDigester();
  afterAll(() => digester.close());

  it('gives each event its hash, its leaf hash and its state digest, for any text, page after page', async () => {
    const texts = ['plain', 'é ü 😀 \uFFFD', '\u2028\u2029 "quoted" \\', '\u0000\u001f', ''];
    // Pages larger than the first buffer, so the buffer grows, and pages after that reuse the buffers handed back.
    for (const size of [3, 4000, 10, 4000]) {
      const page = Array.from({ length: size }, (_, i) => {
        const text = texts[i % texts.length]!;
        return event(i + 1, text, i % 9 === 4 ? null : `{"text":${JSON.stringify(text.repeat(40))},"i":${i}}`);
      });
      const digests = await digester.digest(page);
      expect(digests.length).toBe(size * DIGEST_STRIDE);
      page.forEach((e, i) => {
        const at = i * DIGEST_STRIDE;
        const { hashed, leaf } = auditEventTexts(e);
        expect(digests.toString('hex', at, at + 32)).toBe(sha256(hashed));
        expect(digests.subarray(at + 32, at + 64).equals(leafHash(leaf))).toBe(true);
        if (e.state !== null) expect(digests.toString('hex', at + 64, at + 96)).toBe(sha256(e.state));
      });
    }
  });

  it('hashes pages handed over together in their order', async () => {
    const pages = [1, 2, 3].map((p) => [event(p, `page ${p}`, `{"p":${p}}`)]);
    const results = await Promise.all(pages.map((page) => digester.digest(page)));
    results.forEach((digests, p) => {
      expect(digests.toString('hex', 0, 32)).toBe(sha256(auditEventTexts(pages[p]![0]!).hashed));
    });
  });

  it('refuses pages once closed', async () => {
    const closed = new LogDigester();
    await closed.close();
    await expect(closed.digest([event(1, 'x', null)])).rejects.toThrow(/closed/);
  });
});
