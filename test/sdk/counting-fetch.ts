/** A fetch that records every request it sends (method, path, JSON body), then sends it for real. */
export function countingFetch(): { fetch: typeof fetch; requests: { method: string; path: string; body: unknown }[] } {
  const requests: { method: string; path: string; body: unknown }[] = [];
  const wrapped: typeof fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const body = typeof init?.body === 'string' ? JSON.parse(init.body) : undefined;
    requests.push({ method: init?.method ?? 'GET', path: url.pathname, body });
    return fetch(input, init);
  };
  return { fetch: wrapped, requests };
}

export const batchRequests = (requests: { method: string; path: string; body: unknown }[]) =>
  requests.filter((r) => r.method === 'POST' && r.path.endsWith('/batch'));
