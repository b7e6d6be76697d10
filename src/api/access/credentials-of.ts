import type { FastifyRequest } from 'fastify';

export const SESSION_COOKIE = 'mnemo_session';
export const CSRF_HEADER = 'x-mnemo-csrf';

/** What a request offers to prove who sent it. */
export type OfferedCredentials =
  | { kind: 'bearer'; token: string }
  | { kind: 'basic'; name: string; password: string }
  | { kind: 'session'; sessionId: string }
  | { kind: 'none' }
  | { kind: 'malformed'; reason: string };

/**
 * Reads the Authorization header (Bearer as MLflow's MLFLOW_TRACKING_TOKEN sends it, Basic as
 * MLFLOW_TRACKING_USERNAME/PASSWORD do) and else the browser's session cookie.
 */
export function credentialsOf(request: FastifyRequest): OfferedCredentials {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const [scheme, ...rest] = header.trim().split(/\s+/);
    const value = rest.join(' ');
    if (/^bearer$/i.test(scheme ?? '')) {
      return value
        ? { kind: 'bearer', token: value }
        : { kind: 'malformed', reason: 'the Bearer credentials are empty' };
    }
    if (/^basic$/i.test(scheme ?? '')) {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon <= 0) return { kind: 'malformed', reason: 'the Basic credentials are not base64 of user:password' };
      return { kind: 'basic', name: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
    }
    return {
      kind: 'malformed',
      reason: `the Authorization scheme '${(scheme ?? '').slice(0, 20)}' is not Bearer or Basic`,
    };
  }
  const sessionId = request.cookies?.[SESSION_COOKIE];
  if (sessionId) return { kind: 'session', sessionId };
  return { kind: 'none' };
}
