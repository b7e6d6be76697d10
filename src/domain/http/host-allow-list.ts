/**
 * Which Host header values a server answers. A browser page on any site can make a visitor's browser talk to a local
 * server by pointing its own domain's DNS at 127.0.0.1 (DNS rebinding); the request then carries that domain as its
 * Host, so answering only known names keeps such pages out.
 */
export const LOOPBACK_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '::1'];

export type HostAllowList = { anyHost: true } | { anyHost: false; patterns: readonly string[] };

/**
 * `configured` comes from `--allowed-hosts` (comma-separated names, `*.example.com` wildcards, or `*` for any).
 * Without it, a server bound to loopback answers loopback names only; one bound to another address answers any
 * host, as it must behind load balancers, unless told otherwise.
 */
export function hostAllowList(boundHost: string, configured: readonly string[] | undefined): HostAllowList {
  const given = (configured ?? []).map((h) => h.trim().toLowerCase()).filter((h) => h !== '');
  if (given.includes('*')) return { anyHost: true };
  const bound = boundHost.toLowerCase();
  if (given.length === 0 && !LOOPBACK_HOSTS.includes(bound)) return { anyHost: true };
  return { anyHost: false, patterns: [...new Set([...LOOPBACK_HOSTS, bound, ...given])] };
}

/** The host name of a Host header or an Origin's authority, without port or IPv6 brackets, lower-cased. */
export function hostName(authority: string): string {
  const lowered = authority.trim().toLowerCase();
  if (lowered.startsWith('[')) return lowered.slice(1, lowered.indexOf(']') === -1 ? undefined : lowered.indexOf(']'));
  const colon = lowered.lastIndexOf(':');
  return colon === -1 ? lowered : lowered.slice(0, colon);
}

export function isHostAllowed(hostHeader: string | undefined, list: HostAllowList): boolean {
  if (list.anyHost) return true;
  if (hostHeader === undefined || hostHeader === '') return false;
  const name = hostName(hostHeader);
  return list.patterns.some((pattern) =>
    pattern.startsWith('*.') ? name.endsWith(pattern.slice(1)) && name.length > pattern.length - 1 : name === pattern,
  );
}

/** Content types a browser may send from another site without asking first (no CORS preflight). */
const SIMPLE_CONTENT_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];

/**
 * Why a state-changing request looks like it was sent by a page on another site, or undefined when it does not.
 * `Sec-Fetch-Site` is set by the browser and cannot be forged by a page; `Origin` is the page's own origin. Clients
 * outside browsers (the MLflow client, the SDK, curl) send neither.
 */
export function crossSiteReason(request: {
  method: string;
  host: string | undefined;
  origin: string | undefined;
  fetchSite: string | undefined;
}): string | undefined {
  if (['GET', 'HEAD', 'OPTIONS'].includes(request.method)) return undefined;
  if (request.fetchSite === 'cross-site') return 'it was sent by a page on another site (Sec-Fetch-Site: cross-site)';
  if (request.origin !== undefined && request.origin !== 'null') {
    let originHost: string;
    try {
      originHost = new URL(request.origin).host;
    } catch {
      return `its Origin '${request.origin}' is not a valid origin`;
    }
    if (request.host === undefined || hostName(originHost) !== hostName(request.host)) {
      return `it was sent by a page on ${request.origin}, not by this server's own pages`;
    }
  } else if (request.origin === 'null') {
    return 'it was sent from an opaque origin (Origin: null)';
  }
  return undefined;
}

/**
 * Why a POST's content type is refused: the types an HTML form on any site can send without the browser asking the
 * server first. Every POST route takes JSON (uploads are PUTs), so refusing them costs no client anything.
 */
export function formContentTypeReason(method: string, contentType: string | undefined): string | undefined {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  if (method !== 'POST' || type === undefined || !SIMPLE_CONTENT_TYPES.includes(type)) return undefined;
  return `a POST with content type '${type}' is what a form on any site can send; send application/json`;
}
