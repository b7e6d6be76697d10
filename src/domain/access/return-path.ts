/**
 * Where to go after signing in (with a password or through single sign-on): the `next` the sign-in was given, if it
 * is a path on this site. Anything else (another origin, `//host`, `/\host`, a `javascript:` URL, control characters,
 * the sign-in page itself) goes to the experiment list, so a link to sign in cannot send a user elsewhere once signed
 * in.
 */
export function afterSignIn(next: string | null | undefined): string {
  if (!next?.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  // Browsers drop tabs and newlines from URLs, which would turn `/\t/host` into `//host`.
  if ([...next].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f) || next.length > 2000) return '/';
  if (next === '/sign-in' || next.startsWith('/sign-in?')) return '/';
  return next;
}
