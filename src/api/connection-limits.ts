/**
 * How long a client may take and how many may be connected at once. Without limits, a thousand clients trickling
 * their headers or bodies a byte at a time hold a thousand sockets (and their memory) for as long as they like.
 */
export interface ConnectionLimits {
  /** All headers must arrive within this time. */
  headersTimeoutMs: number;
  /** The whole request, body included, must arrive within this time (large artifact uploads need minutes). */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this time. */
  keepAliveTimeoutMs: number;
  /** Connections beyond this many are closed as they arrive. */
  maxConnections: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  headersTimeoutMs: 20_000,
  requestTimeoutMs: 15 * 60_000,
  keepAliveTimeoutMs: 65_000,
  maxConnections: 2_000,
};
