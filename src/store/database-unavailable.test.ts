import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from './database-unavailable.js';

const coded = (code: string) => Object.assign(new Error(`failed with ${code}`), { code });

describe('isDatabaseUnavailable', () => {
  it('counts a SQLite write lock held too long by another process as the database being briefly away', () => {
    expect(isDatabaseUnavailable(coded('SQLITE_BUSY'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('wrapped', { cause: coded('SQLITE_BUSY') }))).toBe(true);
  });

  it('leaves errors of the request itself to be answered as such', () => {
    for (const code of ['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_FULL', '23505', '22P02']) {
      expect(isDatabaseUnavailable(coded(code))).toBe(false);
    }
  });
});
