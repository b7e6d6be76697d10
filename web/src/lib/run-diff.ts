/** A row of a side-by-side comparison: one key, each run's value, and whether they disagree. */
export interface DiffRow {
  key: string;
  values: (string | null)[];
  differs: boolean;
}

/**
 * Lines up one map per run by key (sorted), marking keys whose values are not all equal; a key missing from some
 * runs counts as a difference.
 */
export function diffMaps(maps: readonly Record<string, string>[]): DiffRow[] {
  const keys = [...new Set(maps.flatMap((m) => Object.keys(m)))].sort((a, b) => a.localeCompare(b));
  return keys.map((key) => {
    const values = maps.map((m) => m[key] ?? null);
    return { key, values, differs: new Set(values).size > 1 };
  });
}
