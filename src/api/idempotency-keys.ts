import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { IdempotencyService } from '../services/operations/idempotency-service.js';
import { currentContext, expectIdempotentWrite, type IdempotentRequest } from '../services/request-context.js';
import { sendError } from './errors.js';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/**
 * `Idempotency-Key` on writes. Before the handler: a key seen with the same request replays the answer recorded for
 * it, a key seen with another request is refused; otherwise the request's first write claims the key in its own
 * transaction (see UnitOfWork), so the key is held exactly when the write committed, on every replica. Before the
 * answer leaves: it is recorded beside the key, so a client that lost the answer gets the same one on retry.
 * Streamed uploads are not covered: an artifact upload replaces the file whole, so repeating one is harmless.
 */
export function installIdempotencyKeys(app: FastifyInstance, idempotency: IdempotencyService): void {
  const applying = new WeakMap<FastifyRequest, IdempotentRequest>();

  app.addHook('preHandler', async (request, reply) => {
    const key = request.headers['idempotency-key'];
    if (key === undefined || !WRITE_METHODS.has(request.method) || request.body instanceof Readable) return;
    if (typeof key !== 'string' || !KEY_PATTERN.test(key)) {
      return sendError(
        reply,
        400,
        'INVALID_PARAMETER_VALUE',
        'Idempotency-Key must be 1 to 255 visible ASCII characters',
      );
    }
    const caller = currentContext().principalId ?? 'anonymous';
    const body = JSON.stringify(request.body ?? null);
    const decision = await idempotency.decide(caller, key, { method: request.method, url: request.url, body });
    switch (decision.kind) {
      case 'apply':
        expectIdempotentWrite(decision.request);
        applying.set(request, decision.request);
        return;
      case 'replay': {
        const { answer } = decision;
        reply.status(answer.status).header('idempotent-replayed', 'true');
        if (answer.contentType) reply.type(answer.contentType);
        return reply.send(answer.body);
      }
      case 'mismatch':
        return sendError(
          reply,
          422,
          'IDEMPOTENCY_KEY_REUSED',
          'This Idempotency-Key was used with a different request (method, URL or body); send a new key with a new request',
        );
      case 'in-progress':
        reply.header('retry-after', '1');
        return sendError(
          reply,
          409,
          'IDEMPOTENCY_KEY_IN_USE',
          'A request with this Idempotency-Key was applied and its answer is not recorded yet; retry shortly',
        );
    }
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const claimed = applying.get(request);
    if (!claimed?.claimed || (typeof payload !== 'string' && !Buffer.isBuffer(payload))) return payload;
    const contentType = reply.getHeader('content-type');
    try {
      await idempotency.record(claimed, {
        status: reply.statusCode,
        contentType: typeof contentType === 'string' ? contentType : null,
        body: payload.toString(),
      });
    } catch (error) {
      // The write stands; a retry is told the key is in use (409) until the key expires, never applied twice.
      request.log.warn({ err: error }, 'could not record the answer of an idempotent request');
    }
    return payload;
  });
}
