import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { SsoConfig } from '../services/access/sso/sso-config.js';
import { envOption } from './options.js';

/** The `--oidc-*` and `--public-url` server options. */
export function addOidcOptions(command: Command): Command {
  return command
    .addOption(envOption('--oidc-issuer <url>', 'OpenID Connect issuer URL for single sign-on (needs --auth)'))
    .addOption(envOption('--oidc-client-id <id>', "Mnemo's client id at the provider"))
    .addOption(
      envOption(
        '--oidc-client-secret-file <path>',
        'file holding the client secret (needed for browser sign-in); MNEMO_OIDC_CLIENT_SECRET may hold the secret ' +
          'itself',
      ),
    )
    .addOption(envOption('--oidc-audience <aud>', 'audience Bearer JWTs must carry (default: the client id)'))
    .addOption(envOption('--oidc-username-claim <claim>', 'claim that names the user', 'preferred_username'))
    .addOption(
      envOption(
        '--oidc-groups-claim <claim>',
        "claim listing the user's groups; users join the existing teams of those names and leave others at each " +
          'sign-in',
        'groups',
      ),
    )
    .addOption(
      envOption(
        '--public-url <url>',
        "address people reach Mnemo at (a proxy's, with its path): links in notification e-mails and the sign-in " +
          'redirect (default: no links in e-mails, the address of the request for the redirect)',
      ),
    );
}

/** Reads the `--oidc-*` options; undefined when no issuer is given. */
export async function oidcSettings(
  options: Record<string, string | boolean>,
  authEnabled: boolean,
): Promise<SsoConfig | undefined> {
  const text = (name: string) =>
    typeof options[name] === 'string' && options[name] !== '' ? options[name] : undefined;
  const issuer = text('oidcIssuer');
  if (issuer === undefined) return undefined;
  if (!authEnabled)
    throw new Error('--oidc-issuer needs --auth: single sign-on only means something when callers are checked');
  url(issuer, '--oidc-issuer');
  const clientId = text('oidcClientId');
  if (clientId === undefined) throw new Error('--oidc-issuer needs --oidc-client-id');
  const publicUrl = text('publicUrl');
  if (publicUrl !== undefined) url(publicUrl, '--public-url');
  let clientSecret = process.env.MNEMO_OIDC_CLIENT_SECRET?.trim() || undefined;
  const secretFile = text('oidcClientSecretFile');
  if (secretFile !== undefined) clientSecret = (await readFile(secretFile, 'utf8')).trim();
  return {
    issuer,
    clientId,
    clientSecret,
    audience: text('oidcAudience'),
    claims: {
      username: text('oidcUsernameClaim') ?? 'preferred_username',
      groups: text('oidcGroupsClaim') ?? 'groups',
    },
    publicUrl,
  };
}

function url(value: string, flag: string): void {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new Error(`${flag} must be a URL; got '${value}'`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new Error(`${flag} must be an http(s) URL; got '${value}'`);
  }
}
