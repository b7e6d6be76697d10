/**
 * Builds an API path with every interpolated value percent-encoded as one segment, so an id or a name holding
 * '/', '?' or '#' can never address a different endpoint: apiPath`/experiments/by-name/${name}`.
 */
export function apiPath(strings: TemplateStringsArray, ...values: (string | number)[]): string {
  return strings.reduce((path, part, i) => path + part + (i < values.length ? encodeURIComponent(values[i]!) : ''), '');
}

/** An artifact path keeps its slashes; each of its segments is encoded on its own. */
export function encodeArtifactPath(path: string): string {
  return path
    .split('/')
    .filter((segment) => segment !== '')
    .map(encodeURIComponent)
    .join('/');
}

export function withQuery(path: string, query: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
  const text = params.toString();
  return text === '' ? path : `${path}?${text}`;
}
