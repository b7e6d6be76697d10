/**
 * Errors that mean the disk (or quota) under the database or the artifact store is full rather than that the request
 * was wrong: nothing of the write was kept, and the same request succeeds once space is freed. ENOSPC and EDQUOT come
 * from the file system (artifact files, SQLite's own files when the driver passes them on), SQLITE_FULL from SQLite
 * when its database or journal cannot grow, and SQLSTATE 53100 (disk_full) from PostgreSQL.
 */
const FULL_CODES = new Set(['ENOSPC', 'EDQUOT', 'SQLITE_FULL', '53100']);

export function isStorageFull(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && FULL_CODES.has(code)) return true;
  return error.cause !== undefined && error.cause !== error && isStorageFull(error.cause);
}
