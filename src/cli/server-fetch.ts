import { MnemoConnectionError } from '../sdk/errors.js';

/**
 * fetch for commands that call the server directly rather than through the SDK: a server that cannot be reached
 * becomes the SDK's MnemoConnectionError naming the tracking URI, so every client command explains it alike.
 */
export async function fetchServer(trackingUri: string, url: URL, init: RequestInit = {}): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    const cause = (error as { cause?: { code?: unknown } }).cause;
    const reason = typeof cause?.code === 'string' ? `${String(error)} (${cause.code})` : String(error);
    throw new MnemoConnectionError(`${init.method ?? 'GET'} ${url.pathname} failed: ${reason}`, 1, error, trackingUri);
  }
}
