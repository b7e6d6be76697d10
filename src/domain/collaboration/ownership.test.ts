import { describe, expect, it } from 'vitest';
import { applyOwnerChange, checkOwnerChange, isUnowned, ownedAndReadable, ownerKey } from './ownership.js';

describe('checkOwnerChange', () => {
  it('trims names and keeps nulls that clear', () => {
    expect(checkOwnerChange({ user: ' ana ', team: null })).toEqual({ user: 'ana', team: null });
    expect(checkOwnerChange({ team: 'vision' })).toEqual({ team: 'vision' });
  });
  it('refuses a change naming nothing, blank names and names too long', () => {
    expect(() => checkOwnerChange({})).toThrow(/Name an owner/);
    expect(() => checkOwnerChange({ user: '  ' })).toThrow(/owner user/);
    expect(() => checkOwnerChange({ team: 'x'.repeat(65) })).toThrow(/owner team/);
    expect(checkOwnerChange({ team: 'x'.repeat(64) }).team).toHaveLength(64);
  });
});

describe('applyOwnerChange', () => {
  const current = { userId: 'u1', teamId: 't1' };
  it('replaces what is named, clears what is null, keeps what is absent', () => {
    expect(applyOwnerChange(current, { user: 'bo' }, { userId: 'u2' })).toEqual({ userId: 'u2', teamId: 't1' });
    expect(applyOwnerChange(current, { team: null }, {})).toEqual({ userId: 'u1', teamId: null });
    expect(
      applyOwnerChange({ userId: null, teamId: null }, { user: 'a', team: 'b' }, { userId: 'u', teamId: 't' }),
    ).toEqual({ userId: 'u', teamId: 't' });
  });
  it('says when nothing is owned any more', () => {
    expect(isUnowned(applyOwnerChange(current, { user: null, team: null }, {}))).toBe(true);
    expect(isUnowned(applyOwnerChange(current, { user: null }, {}))).toBe(false);
  });
});

describe('ownedAndReadable', () => {
  it('keeps only owned entities the caller may read, whatever kind of readable set', () => {
    expect(ownedAndReadable({ kind: 'all' }, ['3', '1', '3'])).toEqual({ kind: 'only', ids: ['1', '3'] });
    expect(ownedAndReadable({ kind: 'allExcept', ids: ['3'] }, ['1', '3'])).toEqual({ kind: 'only', ids: ['1'] });
    expect(ownedAndReadable({ kind: 'only', ids: ['2', '3'] }, ['1', '3'])).toEqual({ kind: 'only', ids: ['3'] });
    expect(ownedAndReadable({ kind: 'all' }, [])).toEqual({ kind: 'only', ids: [] });
  });
});

describe('ownerKey', () => {
  it('names an owned entity by kind and id', () => {
    expect(ownerKey('dataset', 'd-1')).toBe('dataset:d-1');
  });
});
