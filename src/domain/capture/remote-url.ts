/**
 * A git remote URL safe to record: user names and passwords (often access tokens, as in
 * `https://x-access-token:ghp_…@github.com/org/repo.git`) and query strings are dropped from URL-shaped remotes.
 * scp-like remotes (`git@github.com:org/repo.git`) name only an SSH login, which is not a secret, and stay as they are.
 */
export function stripRemoteCredentials(remote: string): string {
  const text = remote.trim();
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return text;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    // Not parseable as a URL: keep only what follows the last '@' of the authority, which is never a credential.
    return text.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/]*@/i, '$1');
  }
  const keepUser = url.protocol === 'ssh:' || url.protocol === 'git+ssh:';
  if (!keepUser) url.username = '';
  url.password = '';
  url.search = '';
  url.hash = '';
  return url.toString();
}
