/** Keys of retried writes and the answers given to them (see migration 0039). */
export interface IdempotencyKeysTable {
  caller: string;
  idempotency_key: string;
  /** A digest of the method, URL and body: the same key with another request is refused, not replayed. */
  fingerprint: string;
  created_at: number;
  /** Null until the answer was sent: the write committed, its answer is not recorded yet. */
  status: number | null;
  content_type: string | null;
  body: string | null;
}
