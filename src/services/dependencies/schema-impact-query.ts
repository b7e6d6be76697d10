import { isReadable, type ReadableSet } from '../../domain/access/readable-set.js';
import type { DeclaredDependency } from '../../domain/dependencies/declared-dependency.js';
import {
  type ColumnReader,
  type ColumnSchema,
  type SchemaImpact,
  schemaChangeImpact,
} from '../../domain/dependencies/schema-impact.js';
import * as declared from '../../store/repositories/dependencies/declared-dependency-repository.js';
import type { Executor } from '../../store/store.js';

export interface SchemaImpactAnswer extends SchemaImpact {
  dataset: string;
}

/**
 * The columns a change of a dataset's schema removes or retypes, and the readable live model versions that declare
 * reading any of them (`model/version` labels).
 */
export async function findSchemaImpact(
  db: Executor,
  question: { dataset: string; before: ColumnSchema; after: ColumnSchema },
  visible: ReadableSet,
): Promise<SchemaImpactAnswer> {
  const dataset = question.dataset.trim();
  const readers: ColumnReader[] = [];
  for (const row of await declared.listDeclaredVersions(db, {})) {
    if (!isReadable(visible, row.model_id)) continue;
    const columns = (JSON.parse(row.document) as { dependencies: DeclaredDependency[] }).dependencies
      .filter((d) => d.kind === 'dataset' && d.name === dataset)
      .flatMap((d) => d.columns ?? []);
    if (columns.length > 0) readers.push({ modelVersion: `${row.model_name}/${row.version}`, columns });
  }
  return { dataset, ...schemaChangeImpact(question.before, question.after, readers) };
}
