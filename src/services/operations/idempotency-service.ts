import { createHash } from 'node:crypto';
import { findIdempotencyKey, recordIdempotentAnswer } from '../../store/repositories/idempotency-key-repository.js';
import type { IdempotentRequest } from '../request-context.js';
import type { ServiceDeps } from '../service-deps.js';

/** How long a key is remembered when the server is not told otherwise: retries come within minutes, not days. */
export const DEFAULT_IDEMPOTENCY_RETENTION_MS = 24 * 60 * 60 * 1000;

export interface RecordedAnswer {
  status: number;
  contentType: string | null;
  body: string;
}

/** What a write sent with an Idempotency-Key is to do. */
export type IdempotencyDecision =
  | { kind: 'apply'; request: IdempotentRequest }
  | { kind: 'replay'; answer: RecordedAnswer }
  /** The key was used with another request: refused, so a client's mistake does not silently return a stale answer. */
  | { kind: 'mismatch' }
  /** The first request's write committed and its answer is not recorded yet (or was lost with its server). */
  | { kind: 'in-progress' };

export class IdempotencyService {
  private readonly retentionMs: number;

  constructor(
    private readonly deps: Pick<ServiceDeps, 'store' | 'now'>,
    retentionMs = DEFAULT_IDEMPOTENCY_RETENTION_MS,
  ) {
    this.retentionMs = retentionMs;
  }

  async decide(
    caller: string,
    key: string,
    request: { method: string; url: string; body: string },
  ): Promise<IdempotencyDecision> {
    const fingerprint = createHash('sha256')
      .update(JSON.stringify([request.method, request.url, request.body]))
      .digest('hex');
    const expiredBefore = this.deps.now() - this.retentionMs;
    const stored = await findIdempotencyKey(this.deps.store.db, caller, key, expiredBefore);
    if (!stored) return { kind: 'apply', request: { caller, key, fingerprint, expiredBefore, claimed: false } };
    if (stored.fingerprint !== fingerprint) return { kind: 'mismatch' };
    if (stored.status === null || stored.body === null) return { kind: 'in-progress' };
    return { kind: 'replay', answer: { status: stored.status, contentType: stored.content_type, body: stored.body } };
  }

  /** Records the answer a write was given, after it was sent; its key was claimed in the write's transaction. */
  async record(request: IdempotentRequest, answer: RecordedAnswer): Promise<void> {
    await recordIdempotentAnswer(this.deps.store.db, request.caller, request.key, answer);
  }
}
