import { chmod, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  SNAPSHOT_FORMAT,
  SNAPSHOT_FORMAT_VERSION,
  type SnapshotManifest,
  type SnapshotSigningKey,
  type SnapshotTable,
} from '../../domain/backup/dump-format.js';
import { encodeValue } from '../../domain/backup/dump-values.js';
import { openArtifactStore } from '../artifacts/open-artifact-store.js';
import { openExistingStore } from '../open-existing-store.js';
import { readArtifact, walkArtifacts } from './artifact-files.js';
import { HashedLineWriter } from './hashed-lines.js';
import { openRawConnection } from './open-raw-connection.js';
import { foreignKeyOrder, type RawConnection } from './raw-connection.js';

export interface SnapshotOptions {
  backendStoreUri: string;
  artifactsDestination: string;
  out: string;
  /** Record the artifacts' paths, sizes and hashes without copying their bytes. */
  manifestOnly: boolean;
  progress: (line: string) => void;
}

/**
 * Writes a snapshot of a store that may be in use. The database is read inside one read transaction, so its tables
 * agree with each other and with the audit head recorded; the artifacts are copied after it, and since a file is
 * stored before the row naming it, every file the rows name is in the copy.
 */
export async function writeSnapshot(options: SnapshotOptions): Promise<SnapshotManifest> {
  await prepareOutput(options.out);
  // Refuses a missing database, one without Mnemo's schema and one of a newer version, with a message saying so.
  await (await openExistingStore(options.backendStoreUri, { readOnly: true })).close();
  const raw = await openRawConnection(options.backendStoreUri, { readOnly: true });
  let database: Omit<SnapshotManifest, 'artifacts' | 'format' | 'formatVersion' | 'createdTime'>;
  try {
    await raw.beginSnapshot();
    database = await dumpDatabase(raw, options);
    await raw.commit();
  } finally {
    await raw.rollback().catch(() => {});
    await raw.close();
  }
  const artifacts = await dumpArtifacts(options);
  const manifest: SnapshotManifest = {
    format: SNAPSHOT_FORMAT,
    formatVersion: SNAPSHOT_FORMAT_VERSION,
    createdTime: Date.now(),
    ...database,
    artifacts,
  };
  await writeFile(join(options.out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

async function prepareOutput(out: string): Promise<void> {
  const existing = await readdir(out).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  if (existing.length > 0) throw new Error(`'${out}' is not empty: give a new directory for the snapshot`);
  // Rows may hold what only the database should (sealed secrets, the database's own secret key): owner only.
  await mkdir(join(out, 'tables'), { recursive: true, mode: 0o700 });
  await chmod(out, 0o700);
}

async function dumpDatabase(raw: RawConnection, options: SnapshotOptions) {
  const migrations = (await raw.query('select name from kysely_migration order by name')).map((r) => String(r.name));
  const [head] = await raw.query('select last_seq, last_hash from audit_head where id = 1');
  const signingKeys: SnapshotSigningKey[] = (
    await raw.query(
      'select key_id, algorithm, public_key, created_time, retired_time from signing_keys order by created_time, key_id',
    )
  ).map((k) => ({
    keyId: String(k.key_id),
    algorithm: String(k.algorithm),
    publicKey: String(k.public_key),
    createdTime: Number(k.created_time),
    retiredTime: k.retired_time === null ? null : Number(k.retired_time),
  }));
  const tables: SnapshotTable[] = [];
  for (const table of foreignKeyOrder(await raw.tables())) {
    const writer = new HashedLineWriter(join(options.out, 'tables', `${table.name}.jsonl`));
    const types = table.columns.map((c) => c.type);
    await raw.readRows(
      table.name,
      table.columns.map((c) => c.name),
      (rows) => writer.write(rows.map((row) => row.map((value, i) => encodeValue(types[i]!, value)))),
    );
    const sha256 = await writer.finish();
    tables.push({ name: table.name, columns: table.columns, rows: writer.lines, sha256 });
    if (writer.lines > 0) options.progress(`table ${table.name}: ${writer.lines} rows`);
  }
  return {
    sourceDialect: raw.dialect,
    schemaVersion: migrations.at(-1) ?? '',
    migrations,
    auditHead: { seq: Number(head?.last_seq ?? 0), hash: String(head?.last_hash ?? '') },
    signingKeys,
    tables,
  };
}

async function dumpArtifacts(options: SnapshotOptions): Promise<SnapshotManifest['artifacts']> {
  const store = openArtifactStore(options.artifactsDestination);
  const writer = new HashedLineWriter(join(options.out, 'artifacts.jsonl'));
  let bytes = 0;
  for await (const path of walkArtifacts(store)) {
    const copy = options.manifestOnly ? undefined : join(options.out, 'artifacts', ...path.split('/'));
    const file = await readArtifact(store, path, copy);
    if (!file) continue;
    await writer.write([file]);
    bytes += file.size;
    if (writer.lines % 100 === 0) options.progress(`artifacts: ${writer.lines} files, ${bytes} bytes`);
  }
  const sha256 = await writer.finish();
  options.progress(
    `artifacts: ${writer.lines} files, ${bytes} bytes ${options.manifestOnly ? 'listed (not copied)' : 'copied'}`,
  );
  return { included: !options.manifestOnly, files: writer.lines, bytes, sha256 };
}
