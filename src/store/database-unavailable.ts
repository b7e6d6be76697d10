import { isStalePreparedStatement } from './named-statements.js';

/**
 * PostgreSQL error classes and socket errors that mean the database is away (restarting, refusing connections,
 * having ended this session) rather than that the request was wrong: the same request may succeed once it is back.
 * SQLSTATE class 08 is connection exceptions; 57P01-57P03 are admin shutdown, crash shutdown and "cannot connect
 * now"; 53300 is too many connections; 55000 with the message below is a database closed to new connections.
 */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
/** SQLite: another process (a server worker, `mnemo gc`) held the write lock longer than a write waits for it. */
const UNAVAILABLE_SQLITE_CODES = new Set(['SQLITE_BUSY']);
const UNAVAILABLE_SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);
/** node-postgres reports a socket closed under it by message only. */
const UNAVAILABLE_MESSAGES = [
  'Connection terminated',
  'Client has encountered a connection error',
  'is not currently accepting connections',
  'Client was closed and is not queryable',
];

export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  // A prepared statement gone stale under a schema change: sent unnamed from now on, so a retry succeeds.
  if (isStalePreparedStatement(error)) return true;
  // A refused connection to a name with several addresses arrives as one error per address.
  if (error instanceof AggregateError) return error.errors.some(isDatabaseUnavailable);
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (UNAVAILABLE_SQLSTATES.has(code) || code.startsWith('08') || UNAVAILABLE_SOCKET_CODES.has(code)) return true;
    if (UNAVAILABLE_SQLITE_CODES.has(code)) return true;
  }
  if (UNAVAILABLE_MESSAGES.some((message) => error.message.includes(message))) return true;
  return error.cause !== undefined && error.cause !== error && isDatabaseUnavailable(error.cause);
}
