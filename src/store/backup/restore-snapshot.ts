import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Migration, Migrator, sql } from 'kysely';
import { parseManifest, type SnapshotManifest, type SnapshotTable } from '../../domain/backup/dump-format.js';
import { type DriverValue, type DumpValue, decodeValue } from '../../domain/backup/dump-values.js';
import { parseBackendUri } from '../../domain/config/backend-uri.js';
import { openArtifactStore } from '../artifacts/open-artifact-store.js';
import { openPostgres } from '../dialect/postgres.js';
import { openSqlite } from '../dialect/sqlite.js';
import { MIGRATION_NAMES, migrationProvider } from '../migrations/index.js';
import { openStore } from '../open-store.js';
import type { Store } from '../store.js';
import { type ArtifactFile, restoreArtifact } from './artifact-files.js';
import { readLines } from './hashed-lines.js';
import { openRawConnection } from './open-raw-connection.js';
import type { CatalogTable, RawConnection } from './raw-connection.js';

const BATCH = 1000;

/** Why a restore did not start: the snapshot or the target is not one it can use. Nothing was changed. */
export class RestoreRefusedError extends Error {
  override name = 'RestoreRefusedError';
}

export interface RestoreOptions {
  snapshot: string;
  backendStoreUri: string;
  artifactsDestination: string;
  progress: (line: string) => void;
}

/**
 * Loads a snapshot into an empty store: the target is migrated to the snapshot's schema, every row goes in inside
 * one transaction (in foreign-key order), and the schema is then brought up to this version's. The audit head
 * loaded must be the one the snapshot recorded, or nothing is kept.
 */
export async function restoreSnapshot(options: RestoreOptions): Promise<SnapshotManifest> {
  const manifest = await readManifest(options.snapshot);
  const newer = manifest.migrations.filter((name) => !MIGRATION_NAMES.includes(name));
  if (newer.length > 0) {
    throw new RestoreRefusedError(
      `the snapshot was taken with a newer Mnemo (schema ${newer.join(', ')}): restore it with that version`,
    );
  }
  await requireEmptyTarget(options.backendStoreUri, manifest);
  await migrateTo(options.backendStoreUri, manifest.migrations);
  const raw = await openRawConnection(options.backendStoreUri, { readOnly: false });
  try {
    await raw.beginWrite();
    await loadTables(raw, manifest, options);
    await raw.commit();
  } catch (error) {
    await raw.rollback().catch(() => {});
    throw error;
  } finally {
    await raw.close();
  }
  if (MIGRATION_NAMES.some((name) => !manifest.migrations.includes(name))) {
    options.progress('upgrading the restored database to the current schema');
    await (await openStore(options.backendStoreUri)).close();
  }
  await loadArtifacts(manifest, options);
  return manifest;
}

async function readManifest(snapshot: string): Promise<SnapshotManifest> {
  let text: string;
  try {
    text = await readFile(join(snapshot, 'manifest.json'), 'utf8');
  } catch {
    throw new RestoreRefusedError(`no snapshot at '${snapshot}': it has no manifest.json (was the backup finished?)`);
  }
  try {
    return parseManifest(text);
  } catch (error) {
    throw new RestoreRefusedError((error as Error).message);
  }
}

/**
 * The target must hold nothing but what migrations alone put there: a new database, or one migrated and never
 * used. Which rows migrations put there is learnt by migrating a scratch database in memory.
 */
async function requireEmptyTarget(backendStoreUri: string, manifest: SnapshotManifest): Promise<void> {
  const raw = await openRawConnection(backendStoreUri, { readOnly: false });
  try {
    const tables = await raw.tables();
    if (tables.length === 0) return;
    let applied: string[];
    try {
      applied = (await raw.query('select name from kysely_migration')).map((r) => String(r.name));
    } catch {
      throw new RestoreRefusedError("the target database holds tables that are not Mnemo's: give an empty database");
    }
    const seeded = await rowsMigrationsCreate(manifest.migrations);
    for (const table of tables) {
      const [row] = await raw.query(`select count(*) as n from "${table.name}"`);
      if (Number(row?.n) > (seeded.get(table.name) ?? 0)) {
        throw new RestoreRefusedError(
          `the target database is not empty (table ${table.name} holds rows): restore only into an empty store`,
        );
      }
    }
    const extra = applied.filter((name) => !manifest.migrations.includes(name));
    if (extra.length > 0) {
      throw new RestoreRefusedError(
        `the target database has a newer schema than the snapshot (${extra.join(', ')}): give a new, empty database`,
      );
    }
  } finally {
    await raw.close();
  }
}

async function rowsMigrationsCreate(migrations: string[]): Promise<Map<string, number>> {
  const scratch = openSqlite(':memory:');
  try {
    await migrateStore(scratch, migrations);
    const raw = await scratch.db.introspection.getTables();
    const counts = new Map<string, number>();
    for (const table of raw) {
      const { rows } = await sql<{ n: number }>`select count(*) as n from ${sql.table(table.name)}`.execute(scratch.db);
      counts.set(table.name, Number(rows[0]?.n ?? 0));
    }
    return counts;
  } finally {
    await scratch.close();
  }
}

async function migrateTo(backendStoreUri: string, migrations: string[]): Promise<void> {
  const location = parseBackendUri(backendStoreUri);
  const store = location.kind === 'sqlite' ? openSqlite(location.path) : openPostgres(location.connectionString);
  try {
    await migrateStore(store, migrations);
  } finally {
    await store.close();
  }
}

/** Applies exactly the named migrations (those not applied yet), none later. */
async function migrateStore(store: Store, names: string[]): Promise<void> {
  const all = await migrationProvider(store.dialect).getMigrations();
  const chosen: Record<string, Migration> = {};
  for (const name of names) chosen[name] = all[name]!;
  const migrator = new Migrator({
    db: store.db,
    provider: { getMigrations: async () => chosen },
    allowUnorderedMigrations: true,
  });
  const { error } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
}

async function loadTables(raw: RawConnection, manifest: SnapshotManifest, options: RestoreOptions): Promise<void> {
  const target = new Map((await raw.tables()).map((t) => [t.name, t]));
  // What the migrations put there (the default experiment, the audit head) gives way to the snapshot's rows.
  for (const table of [...manifest.tables].reverse()) {
    if (target.has(table.name)) await raw.query(`delete from "${table.name}"`);
  }
  for (const table of manifest.tables) {
    const into = target.get(table.name);
    if (!into) {
      if (table.rows === 0) continue;
      throw new Error(`the target database has no table ${table.name}, which the snapshot has rows for`);
    }
    await loadTable(raw, table, into, options);
  }
  await raw.resetSequences();
  const [head] = await raw.query('select last_seq, last_hash from audit_head where id = 1');
  if (Number(head?.last_seq) !== manifest.auditHead.seq || head?.last_hash !== manifest.auditHead.hash) {
    throw new Error('the restored audit head is not the one the snapshot recorded: the snapshot is damaged');
  }
}

async function loadTable(
  raw: RawConnection,
  table: SnapshotTable,
  into: CatalogTable,
  options: RestoreOptions,
): Promise<void> {
  const types = table.columns.map((column) => {
    const found = into.columns.find((c) => c.name === column.name);
    if (!found) throw new Error(`the target's table ${table.name} has no column ${column.name}`);
    return found.type;
  });
  const names = table.columns.map((c) => c.name);
  const decode = (row: DumpValue[]): DriverValue[] =>
    row.map((value, i) => {
      const decoded = decodeValue(types[i]!, value, raw.dialect);
      if (!raw.storesNaN && typeof decoded === 'number' && Number.isNaN(decoded)) {
        throw new Error(`${table.name}.${names[i]} holds NaN, which this database cannot store in a number column`);
      }
      return decoded;
    });
  const read = await readLines<DumpValue[]>(join(options.snapshot, 'tables', `${table.name}.jsonl`), BATCH, (rows) =>
    raw.insertRows(table.name, names, rows.map(decode)),
  );
  if (read.sha256 !== table.sha256 || read.lines !== table.rows) {
    throw new Error(`tables/${table.name}.jsonl is not the file the snapshot recorded (its sha256 differs)`);
  }
  if (read.lines > 0) options.progress(`table ${table.name}: ${read.lines} rows`);
}

async function loadArtifacts(manifest: SnapshotManifest, options: RestoreOptions): Promise<void> {
  if (!manifest.artifacts.included) {
    options.progress(
      `artifacts: the snapshot lists ${manifest.artifacts.files} files (${manifest.artifacts.bytes} bytes) without ` +
        `their bytes: copy them into ${options.artifactsDestination} yourself`,
    );
    return;
  }
  const store = openArtifactStore(options.artifactsDestination);
  let bytes = 0;
  const read = await readLines<ArtifactFile>(join(options.snapshot, 'artifacts.jsonl'), 100, async (files) => {
    for (const file of files) {
      await restoreArtifact(store, options.snapshot, file);
      bytes += file.size;
    }
  });
  if (read.sha256 !== manifest.artifacts.sha256)
    throw new Error('artifacts.jsonl is not the file the snapshot recorded');
  options.progress(`artifacts: ${read.lines} files, ${bytes} bytes copied`);
}
