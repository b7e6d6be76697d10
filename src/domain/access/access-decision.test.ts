import { describe, expect, it } from 'vitest';
import { type AccessFacts, decideAccess, effectiveRole } from './access-decision.js';
import type { Principal } from './principal.js';
import { isReadable, readableSet } from './readable-set.js';

const user = (over: Partial<Principal> = {}): Principal => ({
  id: 'u-1',
  name: 'rita',
  kind: 'user',
  isAdmin: false,
  teamIds: [],
  scope: null,
  via: 'token',
  ...over,
});
const experiment = { kind: 'experiment', id: '7' } as const;
const facts = (over: Partial<AccessFacts> = {}): AccessFacts => ({
  held: [],
  defaultRole: null,
  restricted: false,
  ...over,
});

describe('decideAccess', () => {
  it('lets a role cover needs up to its rank and no further', () => {
    const editor = facts({ held: [{ role: 'editor', global: false }] });
    expect(decideAccess(user(), 'read', experiment, editor).allowed).toBe(true);
    expect(decideAccess(user(), 'edit', experiment, editor).allowed).toBe(true);
    const manage = decideAccess(user(), 'manage', experiment, editor);
    expect(manage).toEqual({
      allowed: false,
      reason: "user 'rita' needs the manager role on experiment 7 (has editor)",
    });
  });

  it('applies the default role only where nothing is restricted, and global roles likewise', () => {
    expect(decideAccess(user(), 'read', experiment, facts({ defaultRole: 'reader' })).allowed).toBe(true);
    expect(decideAccess(user(), 'read', experiment, facts({ defaultRole: 'reader', restricted: true })).allowed).toBe(
      false,
    );
    const globalManager = facts({ held: [{ role: 'manager', global: true }], restricted: true });
    expect(decideAccess(user(), 'read', experiment, globalManager).allowed).toBe(false);
    const boundHere = facts({ held: [{ role: 'reader', global: false }], restricted: true });
    expect(decideAccess(user(), 'read', experiment, boundHere).allowed).toBe(true);
  });

  it('takes the strongest of several roles', () => {
    const held = facts({
      held: [
        { role: 'reader', global: true },
        { role: 'manager', global: false },
      ],
      defaultRole: 'reader',
    });
    expect(effectiveRole(held)).toBe('manager');
  });

  it('caps every principal, admins included, by its token scope', () => {
    const admin = user({ isAdmin: true, scope: 'read' });
    expect(decideAccess(admin, 'read', experiment, facts()).allowed).toBe(true);
    expect(decideAccess(admin, 'edit', experiment, facts())).toMatchObject({ allowed: false });
    const writer = user({ scope: 'write' });
    expect(
      decideAccess(writer, 'manage', experiment, facts({ held: [{ role: 'manager', global: false }] })).allowed,
    ).toBe(true);
  });

  it('denies a principal without any role', () => {
    expect(decideAccess(user(), 'read', experiment, facts()).allowed).toBe(false);
  });
});

describe('readableSet', () => {
  const base = {
    isAdmin: false,
    resourceRoles: new Set<string>(),
    hasGlobalRole: false,
    defaultRole: null,
    restrictedIds: [],
  };

  it('shows admins everything', () => {
    expect(readableSet({ ...base, isAdmin: true, restrictedIds: ['1'] })).toEqual({ kind: 'all' });
  });

  it('hides restricted resources without a binding from principals with a default role', () => {
    const set = readableSet({
      ...base,
      defaultRole: 'reader',
      restrictedIds: ['1', '2'],
      resourceRoles: new Set(['2']),
    });
    expect(set).toEqual({ kind: 'allExcept', ids: ['1'] });
    expect(isReadable(set, '1')).toBe(false);
    expect(isReadable(set, '2')).toBe(true);
    expect(isReadable(set, '3')).toBe(true);
  });

  it('shows only bound resources when there is no default or global role', () => {
    const set = readableSet({ ...base, resourceRoles: new Set(['5', '4']) });
    expect(set).toEqual({ kind: 'only', ids: ['4', '5'] });
    expect(isReadable(set, '6')).toBe(false);
  });
});
