import { describe, expect, it } from 'vitest';
import { isStorageFull } from './storage-full.js';

const coded = (code: string, message = code) => Object.assign(new Error(message), { code });

describe('isStorageFull', () => {
  it('recognises a full file system, a full quota, a full SQLite file and PostgreSQL disk_full', () => {
    for (const code of ['ENOSPC', 'EDQUOT', 'SQLITE_FULL', '53100']) expect(isStorageFull(coded(code))).toBe(true);
  });

  it('follows the cause of a wrapped error', () => {
    expect(isStorageFull(new Error('upload failed', { cause: coded('ENOSPC') }))).toBe(true);
  });

  it('leaves other failures alone: a missing file, a busy database, a unique violation, a non-error', () => {
    for (const code of ['ENOENT', 'SQLITE_BUSY', '23505', 'EFBIG']) expect(isStorageFull(coded(code))).toBe(false);
    expect(isStorageFull({ code: 'ENOSPC' })).toBe(false);
    expect(isStorageFull('ENOSPC')).toBe(false);
  });
});
