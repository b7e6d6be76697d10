import type { Kysely } from 'kysely';

// The tables this migration reads and writes, as they stood when it was written. It carries its own derivation
// below rather than importing today's, so that later changes to declarations never change what this backfill did.
interface Tables {
  model_version_dependencies: { model_id: string; version: number; document: string };
  model_version_requirements: RequirementRow;
}

interface RequirementRow {
  model_id: string;
  version: number;
  position: number;
  kind: string;
  name: string;
  specifier: string;
  marker: string | null;
}

/**
 * The declarations of packages and runtimes by name, beside the documents that hold them (model_version_dependencies),
 * so that "what would upgrading numpy break" reads the declarations of numpy alone instead of parsing every
 * version's whole document. Rows are derived: they are rewritten in the transaction that writes their document and
 * deleted with it. Existing documents are indexed here.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('model_version_requirements')
    .addColumn('model_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    // Where the declaration stands among the version's declarations, so answers keep the document's order.
    .addColumn('position', 'integer', (c) => c.notNull())
    // pypi, npm or runtime: the kinds a what-if change names.
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('specifier', 'text', (c) => c.notNull())
    .addColumn('marker', 'text')
    .addPrimaryKeyConstraint('model_version_requirements_pk', ['model_id', 'version', 'position'])
    .execute();
  // What-if asks, per changed package, which specifiers are declared (unconditionally), then which versions declare
  // those that break: both are answered from this index alone.
  await db.schema
    .createIndex('model_version_requirements_by_name')
    .on('model_version_requirements')
    .columns(['kind', 'name', 'marker', 'specifier', 'model_id', 'version', 'position'])
    .execute();
  await backfill(db as unknown as Kysely<Tables>);
}

const PAGE = 500;
const INDEXED_KINDS = new Set(['pypi', 'npm', 'runtime']);

async function backfill(db: Kysely<Tables>): Promise<void> {
  let after: { model_id: string; version: number } | null = null;
  for (;;) {
    let query = db
      .selectFrom('model_version_dependencies')
      .select(['model_id', 'version', 'document'])
      .orderBy('model_id')
      .orderBy('version')
      .limit(PAGE);
    if (after !== null) {
      const { model_id, version } = after;
      query = query.where((eb) =>
        eb.or([eb('model_id', '>', model_id), eb.and([eb('model_id', '=', model_id), eb('version', '>', version)])]),
      );
    }
    const page = await query.execute();
    if (page.length === 0) return;
    const rows = page.flatMap((row) => requirementsOf(row.model_id, Number(row.version), row.document));
    // 7 parameters a row: 500 rows stay well within what SQLite and PostgreSQL accept in one statement.
    for (let i = 0; i < rows.length; i += PAGE) {
      await db
        .insertInto('model_version_requirements')
        .values(rows.slice(i, i + PAGE))
        .execute();
    }
    const last = page[page.length - 1]!;
    after = { model_id: last.model_id, version: Number(last.version) };
  }
}

function requirementsOf(modelId: string, version: number, document: string): RequirementRow[] {
  const { dependencies } = JSON.parse(document) as {
    dependencies: { kind: string; name: string; specifier: string; marker?: string }[];
  };
  const rows: RequirementRow[] = [];
  dependencies.forEach((d, position) => {
    if (!INDEXED_KINDS.has(d.kind)) return;
    rows.push({
      model_id: modelId,
      version,
      position,
      kind: d.kind,
      name: d.name,
      specifier: d.specifier,
      marker: d.marker ?? null,
    });
  });
  return rows;
}
