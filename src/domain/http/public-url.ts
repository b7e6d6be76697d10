/**
 * `--public-url`: where people reach the server, used to build links it hands out (notification e-mails, the single
 * sign-on redirect). It must be an absolute http(s) URL; a path (a proxy's prefix) is kept, a query or fragment would
 * end up in the middle of every link and is refused.
 */
export function checkPublicUrl(value: string): void {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new Error(`--public-url must be a URL such as https://mnemo.example.com; got '${value}'`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new Error(`--public-url must be an http(s) URL; got '${value}'`);
  }
  if (parsed.search !== '' || parsed.hash !== '') {
    throw new Error(`--public-url may not hold a query or fragment; got '${value}'`);
  }
}
