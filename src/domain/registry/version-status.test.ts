import { describe, expect, it } from 'vitest';
import { MnemoError } from '../errors.js';
import { MAX_STATUS_VERSIONS, parseVersionList, pickKeyMetrics, standingRequest } from './version-status.js';

describe('parseVersionList', () => {
  it('reads numbers separated by commas, once each, ascending', () => {
    expect(parseVersionList('3, 1,3,2')).toEqual([1, 2, 3]);
  });

  it.each(['', '1,,2', '0', '-1', '1.5', 'a', '1;2', '1234567890'])('refuses %j', (text) => {
    expect(() => parseVersionList(text)).toThrow(MnemoError);
  });

  it(`refuses more than ${MAX_STATUS_VERSIONS} versions`, () => {
    const many = Array.from({ length: MAX_STATUS_VERSIONS + 1 }, (_, i) => i + 1).join(',');
    expect(() => parseVersionList(many)).toThrow(/at most 100/);
    expect(parseVersionList(many.slice(0, many.lastIndexOf(',')))).toHaveLength(MAX_STATUS_VERSIONS);
  });
});

describe('pickKeyMetrics', () => {
  it('keeps the keys most versions logged, ties by name, then sorts them by name', () => {
    const keys = [['rmse', 'auc', 'loss', 'f1'], ['auc', 'loss', 'zeta'], ['auc', 'zeta', 'alpha'], ['auc']];
    // auc 4, loss 2, zeta 2, then alpha/f1/rmse 1 each: alpha wins the tie by name.
    expect(pickKeyMetrics(keys)).toEqual(['alpha', 'auc', 'loss', 'zeta']);
  });

  it('counts a key once per version and honours the limit', () => {
    expect(pickKeyMetrics([['b', 'b', 'a'], ['b']], 1)).toEqual(['b']);
    expect(pickKeyMetrics([])).toEqual([]);
  });
});

describe('standingRequest', () => {
  const request = (
    id: string,
    status: 'pending' | 'approved' | 'rejected',
    creationTime: number,
    expiryTime = 1e12,
  ) => ({
    id,
    status,
    creationTime,
    expiryTime,
  });

  it('prefers the newest pending request over a newer decided one', () => {
    const chosen = standingRequest([request('a', 'pending', 10), request('b', 'rejected', 20)], 100);
    expect(chosen?.id).toBe('a');
  });

  it('takes the newest request when none is pending', () => {
    const chosen = standingRequest([request('a', 'approved', 10), request('b', 'rejected', 20)], 100);
    expect(chosen).toMatchObject({ id: 'b', status: 'rejected' });
  });

  it('reads a pending request past its expiry as expired', () => {
    const chosen = standingRequest([request('a', 'approved', 10), request('b', 'pending', 20, 50)], 100);
    expect(chosen).toMatchObject({ id: 'b', status: 'expired' });
  });

  it('answers undefined for a version without requests', () => {
    expect(standingRequest([], 0)).toBeUndefined();
  });
});
