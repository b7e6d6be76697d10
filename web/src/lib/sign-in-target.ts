/** The sign-in page's address, keeping where the user was going so signing in takes them back there. */
export function signInPath(here: string): string {
  return here === '/' || here === '' ? '/sign-in' : `/sign-in?next=${encodeURIComponent(here)}`;
}

/**
 * Where to go after signing in: the `next` the sign-in page was given, if it is a path on this site. Anything else
 * (another origin, `//host`, a `javascript:` URL, the sign-in page itself) goes to the experiment list, so a link
 * to the sign-in page cannot send a user elsewhere once signed in.
 */
export function afterSignIn(next: string | null): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  if (next === '/sign-in' || next.startsWith('/sign-in?')) return '/';
  return next;
}
