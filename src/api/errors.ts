import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { type ErrorCode, MnemoError } from '../domain/errors.js';
import { IdempotencyKeyInUseError } from '../services/operations/idempotency-key-in-use.js';
import { isDatabaseUnavailable } from '../store/database-unavailable.js';
import { isStorageFull } from '../store/storage-full.js';

/** Seconds a client is asked to wait before retrying while the database is away. */
const RETRY_AFTER_SECONDS = 2;

/** HTTP status for each error code, per API surface: the MLflow adapter keeps MLflow's own choices. */
export type StatusMap = Record<ErrorCode, number>;

export const NATIVE_STATUS: StatusMap = {
  INVALID_PARAMETER_VALUE: 400,
  RESOURCE_DOES_NOT_EXIST: 404,
  RESOURCE_ALREADY_EXISTS: 409,
  INVALID_STATE: 409,
  PERMISSION_DENIED: 403,
  UNAUTHENTICATED: 401,
  RESOURCE_EXHAUSTED: 413,
};

export interface ErrorBody {
  error_code: string;
  message: string;
}

export function sendError(
  reply: FastifyReply,
  status: number,
  code: string,
  message: string,
  details?: Record<string, unknown>,
): FastifyReply {
  // Refused before its body was read (an upload over a limit, say): the rest of the body would otherwise be read as
  // the connection's next request.
  if (!reply.request.raw.complete) reply.header('connection', 'close');
  return reply
    .status(status)
    .type('application/json')
    .send({ ...details, error_code: code, message } satisfies ErrorBody);
}

/**
 * Turns every failure of the routes in this plugin scope into `{error_code, message}`, with the statuses of the API
 * surface the scope serves (each surface installs its own: the MLflow adapter keeps MLflow's). Client mistakes (bad
 * JSON, schema violations, oversized bodies) become 400s naming the field; only a fault of the server itself is a
 * 500, and its details go to the log.
 */
export function installErrorHandling(app: FastifyInstance, statuses: StatusMap): void {
  app.setErrorHandler((error: FastifyError | MnemoError | Error, request, reply) => {
    if (error instanceof MnemoError) {
      return sendError(reply, statuses[error.code], error.code, error.message, error.details);
    }
    const fastifyError = error as FastifyError;
    if (fastifyError.validation) {
      const first = fastifyError.validation[0];
      const where = `${fastifyError.validationContext ?? 'request'}${first?.instancePath ?? ''}`.replaceAll('/', '.');
      const detail =
        first?.keyword === 'additionalProperties'
          ? `has unknown field '${(first.params as { additionalProperty?: string }).additionalProperty}'`
          : (first?.message ?? 'is invalid');
      return sendError(reply, 400, 'INVALID_PARAMETER_VALUE', `Invalid value for ${where}: ${detail}`);
    }
    const status = fastifyError.statusCode ?? 500;
    if (status === 429) {
      // Retry-After and the rate headers were set by the limiter; the body says the same in words.
      return sendError(reply, 429, 'REQUEST_LIMIT_EXCEEDED', fastifyError.message);
    }
    if (status < 500) {
      const message =
        fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
          ? 'Request body is larger than the server accepts'
          : fastifyError.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
            ? `Unsupported content type '${request.headers['content-type'] ?? ''}'`
            : `Malformed request: ${fastifyError.message}`;
      return sendError(reply, status === 413 || status === 415 ? 400 : status, 'INVALID_PARAMETER_VALUE', message);
    }
    if (error instanceof IdempotencyKeyInUseError) {
      reply.header('retry-after', '1');
      return sendError(reply, 409, error.code, error.message);
    }
    if (isDatabaseUnavailable(error)) {
      // The request's transaction did not commit (unless the connection dropped during COMMIT itself, which is why
      // retries should carry an Idempotency-Key); the pool replaces lost connections by itself.
      request.log.warn({ err: error }, 'database unavailable');
      reply.header('retry-after', String(RETRY_AFTER_SECONDS));
      return sendError(
        reply,
        503,
        'TEMPORARILY_UNAVAILABLE',
        'The database is temporarily unavailable; retry after the delay in Retry-After.',
      );
    }
    if (isStorageFull(error)) {
      // The write's transaction rolled back and a half-written artifact was removed, so a retry once space is freed
      // applies it whole. Logged as an error: an operator has to act.
      request.log.error({ err: error }, 'storage full');
      return sendError(
        reply,
        507,
        'INSUFFICIENT_STORAGE',
        'The server is out of storage space; nothing from this request was stored. Retry once space has been freed.',
      );
    }
    request.log.error({ err: error }, 'request failed');
    return sendError(reply, 500, 'INTERNAL_ERROR', 'The server failed to handle this request; see the server log.');
  });
}

/** One answer for every path no surface serves. */
export function installNotFound(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) =>
    sendError(reply, 404, 'ENDPOINT_NOT_FOUND', `No API endpoint for ${request.method} ${request.url.split('?')[0]}`),
  );
}
