/** The sign-in page's address, keeping where the user was going so signing in takes them back there. */
export function signInPath(here: string): string {
  return here === '/' || here === '' ? '/sign-in' : `/sign-in?next=${encodeURIComponent(here)}`;
}

// The server sends a single sign-on back to the same place by the same rule.
export { afterSignIn } from '../../../src/domain/access/return-path.js';
