import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { ErrorBody } from './errors.js';

/**
 * Answers a request Node's HTTP parser refused before Fastify saw it (a malformed Content-Length or request line,
 * headers too large, a request that took too long) in the API's `{error_code, message}` shape, where Fastify's default
 * writes its own `{error, message, statusCode}`. The connection is then closed: after such an error the parser cannot
 * tell where the next request would start.
 */
export function replyToClientError(error: Error & { code?: string }, socket: Socket): void {
  // A reset connection is gone; there is no one to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, body] = clientErrorAnswer(error.code);
  if (socket.writable) {
    const text = JSON.stringify(body);
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(text)}\r\n` +
        `Content-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${text}`,
    );
  }
  socket.destroy(error);
}

function clientErrorAnswer(code: string | undefined): [number, ErrorBody] {
  switch (code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return [408, { error_code: 'DEADLINE_EXCEEDED', message: 'The request was not received in time' }];
    case 'HPE_HEADER_OVERFLOW':
      return [
        431,
        { error_code: 'RESOURCE_EXHAUSTED', message: 'The request headers are larger than the server accepts' },
      ];
    default:
      return [
        400,
        { error_code: 'INVALID_PARAMETER_VALUE', message: `Malformed HTTP request${code ? ` (${code})` : ''}` },
      ];
  }
}
