import { Worker } from 'node:worker_threads';
import { auditEventTexts } from '../../../domain/provenance/audit-event.js';
import type { WalkedAuditEvent } from '../../../store/repositories/provenance/audit-log-walk.js';

/** Bytes of digests per event: the event's hash, its Merkle leaf hash and its state's digest, 32 bytes each. */
export const DIGEST_STRIDE = 96;
/** Marks an event without a stored state in the bounds. */
const NO_STATE = 0xffffffff;

/**
 * The hashing of the log walk, done on a second thread while the walk's own thread reads the next page and gathers
 * the runs' expectations: SHA-256 of each event's hashed text, of its leaf (prefixed by 0x00, RFC 6962) and of its
 * state. The texts travel as one transferred buffer per page. The worker's code is a string rather than a module
 * because the CLI may run as a single bundled file, where no separate worker module exists to be loaded.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { hash } = require('node:crypto');
parentPort.on('message', ({ id, bytes, bounds }) => {
  const input = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = bounds.length / 6;
  const digests = new Uint8Array(count * ${DIGEST_STRIDE});
  for (let i = 0; i < count; i++) {
    for (let part = 0; part < 3; part++) {
      const start = bounds[i * 6 + part * 2];
      if (start === ${NO_STATE}) continue;
      digests.set(hash('sha256', input.subarray(start, bounds[i * 6 + part * 2 + 1]), 'buffer'), i * ${DIGEST_STRIDE} + part * 32);
    }
  }
  parentPort.postMessage({ id, digests, bytes }, [digests.buffer, bytes.buffer]);
});
`;

/** The digests of a page of events, `DIGEST_STRIDE` bytes per event in page order. */
export type PageDigests = Buffer;

/** Hashes pages of events on a worker thread, in the order they are handed over. */
export class LogDigester {
  private readonly worker = new Worker(WORKER_SOURCE, { eval: true });
  private readonly waiting = new Map<number, { resolve: (d: PageDigests) => void; reject: (e: unknown) => void }>();
  private nextId = 0;
  private failure: unknown;
  /** Buffers the worker handed back, written again for a later page instead of allocating new ones. */
  private readonly spare: Buffer[] = [];

  constructor() {
    this.worker.on('message', ({ id, digests, bytes }: { id: number; digests: Uint8Array; bytes: Uint8Array }) => {
      this.spare.push(Buffer.from(bytes.buffer));
      const waiter = this.waiting.get(id);
      this.waiting.delete(id);
      waiter?.resolve(Buffer.from(digests.buffer, digests.byteOffset, digests.byteLength));
    });
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => this.fail(new Error(`the hashing thread stopped (exit code ${code})`)));
  }

  /** Starts hashing a page; the texts are built and copied now, so the rows may be reused at once. */
  digest(events: readonly WalkedAuditEvent[]): Promise<PageDigests> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const bounds = new Uint32Array(events.length * 6);
    let bytes = this.spare.pop() ?? Buffer.allocUnsafeSlow(1 << 20);
    let at = 0;
    const write = (text: string, prefix: boolean, slot: number) => {
      // UTF-8 takes at most three bytes per UTF-16 unit.
      const needed = at + 1 + text.length * 3;
      if (needed > bytes.length) {
        const grown = Buffer.allocUnsafeSlow(Math.max(needed, bytes.length * 2));
        bytes.copy(grown, 0, 0, at);
        bytes = grown;
      }
      bounds[slot] = at;
      if (prefix) bytes[at++] = 0;
      at += bytes.write(text, at);
      bounds[slot + 1] = at;
    };
    for (let i = 0; i < events.length; i++) {
      const event = events[i]!;
      const texts = auditEventTexts(event);
      write(texts.hashed, false, i * 6);
      write(texts.leaf, true, i * 6 + 2);
      if (event.state === null) bounds[i * 6 + 4] = NO_STATE;
      else write(event.state, false, i * 6 + 4);
    }
    const id = this.nextId++;
    const done = new Promise<PageDigests>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
    this.worker.postMessage({ id, bytes: bytes.subarray(0, at), bounds }, [bytes.buffer as ArrayBuffer, bounds.buffer]);
    return done;
  }

  /** Stops the thread. Pages still being hashed are dropped unsettled: their walk has already ended. */
  async close(): Promise<void> {
    this.failure ??= new Error('the hashing thread was closed');
    this.waiting.clear();
    await this.worker.terminate();
  }

  private fail(error: unknown): void {
    this.failure ??= error;
    for (const waiter of this.waiting.values()) waiter.reject(this.failure);
    this.waiting.clear();
  }
}
