import { AsyncLocalStorage } from 'node:async_hooks';

/** Who is acting and on behalf of which request; set by the API layer, read where audit events are written. */
export interface RequestContext {
  /** The authenticated principal's name ('anonymous' on a server without authentication). */
  actor: string;
  requestId: string;
  /** The authenticated principal's id, when the server checks who calls it. */
  principalId?: string;
  /** The request's Idempotency-Key, claimed by its first write (see UnitOfWork). */
  idempotency?: IdempotentRequest;
}

/** A write request sent with an Idempotency-Key no earlier request holds. */
export interface IdempotentRequest {
  caller: string;
  key: string;
  fingerprint: string;
  /** Keys created before this have expired. */
  expiredBefore: number;
  /** Set once a write of this request committed with the key claimed: its answer is then recorded. */
  claimed: boolean;
}

const storage = new AsyncLocalStorage<RequestContext>();

export function runWithContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

/**
 * Runs `fn` outside any request. Background work a request wakes (a check after its commit, a delivery) acts for no
 * one, and the timers it starts must not carry the request's identity along into later work.
 */
export function outsideAnyRequest<T>(fn: () => T): T {
  return storage.exit(fn);
}

export function currentContext(): RequestContext {
  return storage.getStore() ?? { actor: 'system', requestId: 'internal' };
}

/**
 * Names the principal a request was authenticated as. The context was entered before authentication (which may
 * read the database), so it is completed in place rather than entered again.
 */
export function identifyCaller(actor: string, principalId: string): void {
  const context = storage.getStore();
  if (!context) throw new Error('identifyCaller() outside a request');
  context.actor = actor;
  context.principalId = principalId;
}

/** Marks the current request as carrying an Idempotency-Key, for its first write to claim. */
export function expectIdempotentWrite(idempotency: IdempotentRequest): void {
  const context = storage.getStore();
  if (!context) throw new Error('expectIdempotentWrite() outside a request');
  context.idempotency = idempotency;
}
