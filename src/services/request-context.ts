import { AsyncLocalStorage } from 'node:async_hooks';

/** Who is acting and on behalf of which request; set by the API layer, read where audit events are written. */
export interface RequestContext {
  actor: string;
  requestId: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

export function runWithContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

export function currentContext(): RequestContext {
  return storage.getStore() ?? { actor: 'system', requestId: 'internal' };
}
