/** Splits a list so no statement exceeds the bound-parameter limits of SQLite (32766) or PostgreSQL (65535). */
export function* inChunks<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}
