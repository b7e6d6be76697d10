/**
 * A request carrying an Idempotency-Key while another request with that key is being applied, or was applied on
 * another replica in the meantime: nothing was changed, and a retry receives the first request's answer.
 */
export class IdempotencyKeyInUseError extends Error {
  readonly code = 'IDEMPOTENCY_KEY_IN_USE';
  constructor() {
    super('A request with this Idempotency-Key is being applied; retry shortly to receive its answer');
  }
}
