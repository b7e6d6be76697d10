/** The columns of a dataset or feature version, name → type. */
export type ColumnSchema = Readonly<Record<string, string>>;

export interface ColumnChange {
  column: string;
  change: 'removed' | 'retyped';
  from: string;
  to: string | null;
}

export interface ColumnReader {
  modelVersion: string;
  columns: readonly string[];
}

export interface SchemaImpact {
  changes: ColumnChange[];
  affected: { modelVersion: string; changes: ColumnChange[] }[];
}

/** The columns a schema change removes or retypes, and the model versions that read any of them. */
export function schemaChangeImpact(
  before: ColumnSchema,
  after: ColumnSchema,
  readers: readonly ColumnReader[],
): SchemaImpact {
  const changes: ColumnChange[] = [];
  for (const [column, type] of Object.entries(before)) {
    const now = after[column];
    if (now === undefined) changes.push({ column, change: 'removed', from: type, to: null });
    else if (now.trim().toLowerCase() !== type.trim().toLowerCase())
      changes.push({ column, change: 'retyped', from: type, to: now });
  }
  const byColumn = new Map(changes.map((c) => [c.column, c]));
  const affected = readers
    .map((r) => ({
      modelVersion: r.modelVersion,
      changes: r.columns.map((c) => byColumn.get(c)).filter((c): c is ColumnChange => c !== undefined),
    }))
    .filter((r) => r.changes.length > 0);
  return { changes, affected };
}
