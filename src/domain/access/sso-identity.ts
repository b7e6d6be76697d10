import { principalNameProblem } from './principal-name.js';

/** The claims of a verified ID token or access token, as the provider sent them. */
export type Claims = Readonly<Record<string, unknown>>;

/** Which claims name a user and list their groups; both differ between providers. */
export interface ClaimNames {
  /** Default `preferred_username`; the email and then the subject stand in when it is missing. */
  username: string;
  /** Default `groups`. */
  groups: string;
}

export const DEFAULT_CLAIM_NAMES: ClaimNames = { username: 'preferred_username', groups: 'groups' };

/** Who a provider says a caller is, in the terms Mnemo keeps. */
export interface SsoIdentity {
  /** `issuer subject`: unique across providers, unlike the subject alone. Stored as principals.oidc_subject. */
  subject: string;
  /** The user name a first sign-in creates; later sign-ins keep the name the user got then. */
  name: string;
  email: string | null;
  displayName: string | null;
  /** Team names the provider lists; undefined when the token carries no such claim (memberships are then left alone). */
  groups: string[] | undefined;
}

const MAX_NAME = 64;

export function ssoIdentityOf(claims: Claims, names: ClaimNames): SsoIdentity | { problem: string } {
  const issuer = claims.iss;
  const sub = claims.sub;
  if (typeof issuer !== 'string' || issuer === '' || typeof sub !== 'string' || sub === '') {
    return { problem: 'the token names no issuer or subject' };
  }
  const email = stringClaim(claims, 'email');
  const name = [stringClaim(claims, names.username), email, sub]
    .map((candidate) => (candidate === null ? undefined : principalNameFrom(candidate)))
    .find((candidate) => candidate !== undefined);
  if (name === undefined) return { problem: 'no claim of the token makes a usable user name' };
  return {
    subject: `${issuer} ${sub}`,
    name,
    email,
    displayName: stringClaim(claims, 'name'),
    groups: groupsOf(claims[names.groups]),
  };
}

/**
 * A provider's user name made to fit Mnemo's name rules (principal-name.ts): characters outside them become `-`,
 * leading ones that cannot start a name are dropped, and the rest is cut to 64 characters.
 */
export function principalNameFrom(raw: string): string | undefined {
  const replaced = raw
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9._@-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, MAX_NAME);
  return replaced !== '' && principalNameProblem(replaced) === undefined ? replaced : undefined;
}

/**
 * Names to try, in order, when a first sign-in's name is already someone else's: `name`, `name-2`, `name-3`…
 * An existing account is never taken over because its name matches: only the stored subject links a login to it.
 */
export function* namesToTry(name: string, attempts = 20): Generator<string> {
  yield name;
  for (let n = 2; n <= attempts; n += 1) {
    const suffix = `-${n}`;
    yield `${name.slice(0, MAX_NAME - suffix.length)}${suffix}`;
  }
}

function stringClaim(claims: Claims, name: string): string | null {
  const value = claims[name];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

/** Providers send groups as an array of names, some as one space- or comma-separated string. */
function groupsOf(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  const listed = Array.isArray(value) ? value : typeof value === 'string' ? value.split(/[\s,]+/) : [];
  const names = listed.filter((entry): entry is string => typeof entry === 'string' && entry.trim() !== '');
  return [...new Set(names.map((entry) => entry.trim()))].sort();
}
