import { type RawBuilder, type SqlBool, sql } from 'kysely';
import type { ReadableSet } from '../../domain/access/readable-set.js';

/**
 * Narrows a query to what the caller may read: a condition on the column holding the experiment or model id, or
 * undefined when everything is readable. Applied inside the query, so pages, counts and "is there more" all see the
 * same rows and nothing hidden leaks through them.
 */
export function visibilityCondition(column: string, visible: ReadableSet | undefined): RawBuilder<SqlBool> | undefined {
  if (!visible || visible.kind === 'all') return undefined;
  if (visible.kind === 'allExcept') {
    return visible.ids.length === 0 ? undefined : sql<SqlBool>`${sql.ref(column)} not in (${sql.join(visible.ids)})`;
  }
  return visible.ids.length === 0
    ? sql<SqlBool>`1 = 0`
    : sql<SqlBool>`${sql.ref(column)} in (${sql.join(visible.ids)})`;
}
