import { MnemoConnectionError } from '../sdk/errors.js';
import { authorizationHeader } from './options.js';

/**
 * fetch for commands that call the server directly rather than through the SDK: a server that cannot be reached
 * becomes the SDK's MnemoConnectionError naming the tracking URI, so every client command explains it alike. The
 * caller's token (see clientToken) goes with every request.
 */
export async function fetchServer(trackingUri: string, url: URL, init: RequestInit = {}): Promise<Response> {
  try {
    const headers = new Headers(init.headers);
    for (const [name, value] of Object.entries(authorizationHeader())) if (!headers.has(name)) headers.set(name, value);
    return await fetch(url, { ...init, headers });
  } catch (error) {
    const cause = (error as { cause?: { code?: unknown } }).cause;
    const reason = typeof cause?.code === 'string' ? `${String(error)} (${cause.code})` : String(error);
    throw new MnemoConnectionError(`${init.method ?? 'GET'} ${url.pathname} failed: ${reason}`, 1, error, trackingUri);
  }
}
