import { describe, expect, it } from 'vitest';
import { principalNameProblem } from './principal-name.js';
import { DEFAULT_CLAIM_NAMES, namesToTry, principalNameFrom, ssoIdentityOf } from './sso-identity.js';

const ISS = 'https://id.example.com';

describe('ssoIdentityOf', () => {
  it('keys the user on issuer and subject and names them after preferred_username', () => {
    const identity = ssoIdentityOf(
      {
        iss: ISS,
        sub: 'abc123',
        preferred_username: 'alice',
        email: 'a@example.com',
        name: 'Alice A',
        groups: ['b', 'a'],
      },
      DEFAULT_CLAIM_NAMES,
    );
    expect(identity).toEqual({
      subject: `${ISS} abc123`,
      name: 'alice',
      email: 'a@example.com',
      displayName: 'Alice A',
      groups: ['a', 'b'],
    });
  });

  it('falls back to the email, then the subject, when the name claim is missing or unusable', () => {
    expect(ssoIdentityOf({ iss: ISS, sub: 's1', email: 'bob@example.com' }, DEFAULT_CLAIM_NAMES)).toMatchObject({
      name: 'bob@example.com',
    });
    expect(ssoIdentityOf({ iss: ISS, sub: 's1', preferred_username: '!!!' }, DEFAULT_CLAIM_NAMES)).toMatchObject({
      name: 's1',
    });
  });

  it('reads the configured claims', () => {
    const identity = ssoIdentityOf(
      { iss: ISS, sub: 's', upn: 'carol', roles: 'ml-team, ops' },
      { username: 'upn', groups: 'roles' },
    );
    expect(identity).toMatchObject({ name: 'carol', groups: ['ml-team', 'ops'] });
  });

  it('tells a missing groups claim (leave memberships alone) from an empty one (leave every team)', () => {
    expect(ssoIdentityOf({ iss: ISS, sub: 's' }, DEFAULT_CLAIM_NAMES)).toMatchObject({ groups: undefined });
    expect(ssoIdentityOf({ iss: ISS, sub: 's', groups: [] }, DEFAULT_CLAIM_NAMES)).toMatchObject({ groups: [] });
    expect(ssoIdentityOf({ iss: ISS, sub: 's', groups: ['x', 7, 'x'] }, DEFAULT_CLAIM_NAMES)).toMatchObject({
      groups: ['x'],
    });
  });

  it('refuses tokens without issuer or subject', () => {
    expect(ssoIdentityOf({ sub: 's' }, DEFAULT_CLAIM_NAMES)).toHaveProperty('problem');
    expect(ssoIdentityOf({ iss: ISS, sub: '' }, DEFAULT_CLAIM_NAMES)).toHaveProperty('problem');
  });
});

describe('principalNameFrom', () => {
  it('makes provider names fit the principal name rules', () => {
    expect(principalNameFrom('Zoë Müller')).toBe('Zoe-Muller');
    expect(principalNameFrom('DOMAIN\\jdoe')).toBe('DOMAIN-jdoe');
    expect(principalNameFrom('_svc')).toBe('svc');
    expect(principalNameFrom('x'.repeat(100))).toBe('x'.repeat(64));
    expect(principalNameFrom('---')).toBeUndefined();
    expect(principalNameFrom('')).toBeUndefined();
  });

  it('always yields a valid name or nothing', () => {
    for (const raw of ['a b', '@x', 'ü', '..a..', '日本語', 'a/b?c', ' lead', 'ok@example.com']) {
      const name = principalNameFrom(raw);
      if (name !== undefined) expect(principalNameProblem(name)).toBeUndefined();
    }
  });
});

describe('namesToTry', () => {
  it('adds a number when the name is taken, staying within 64 characters', () => {
    expect([...namesToTry('alice', 3)]).toEqual(['alice', 'alice-2', 'alice-3']);
    const long = [...namesToTry('y'.repeat(64), 12)];
    expect(long.at(-1)).toBe(`${'y'.repeat(61)}-12`);
    for (const name of long) expect(principalNameProblem(name)).toBeUndefined();
  });
});
