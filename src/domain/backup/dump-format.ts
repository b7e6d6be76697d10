/**
 * The snapshot `mnemo backup` writes and `mnemo restore` reads: a directory holding
 *
 *   manifest.json          what the snapshot holds (see SnapshotManifest), written last: no manifest, no snapshot
 *   tables/<table>.jsonl   one JSON array per row, values in the order of the table's columns in the manifest
 *   artifacts.jsonl        one {"path","size","sha256"} per artifact file
 *   artifacts/<path>       the artifact files themselves (left out with --artifacts-manifest-only)
 *
 * Rows are backend-neutral so a snapshot of SQLite loads into PostgreSQL and back. Each column carries one of the
 * neutral types below, and its values are written as:
 *
 *   integer   a JSON number, or a string of digits when beyond 2^53 (no precision is lost either way)
 *   real      a JSON number, or "NaN", "Infinity", "-Infinity", which JSON has no numbers for
 *   boolean   0 or 1
 *   blob      base64
 *   text      a string; json columns too, as the JSON text stored
 *   null      null, whatever the type
 */
export type NeutralType = 'integer' | 'real' | 'boolean' | 'blob' | 'text';

export const SNAPSHOT_FORMAT = 'mnemo-snapshot';
export const SNAPSHOT_FORMAT_VERSION = 1;

export interface SnapshotColumn {
  name: string;
  type: NeutralType;
}

export interface SnapshotTable {
  name: string;
  columns: SnapshotColumn[];
  rows: number;
  /** sha256 of tables/<name>.jsonl: restore refuses a file that does not match. */
  sha256: string;
}

export interface SnapshotSigningKey {
  keyId: string;
  algorithm: string;
  /** The public key only (raw, base64): private keys never live in the database, so never in a snapshot. */
  publicKey: string;
  createdTime: number;
  retiredTime: number | null;
}

export interface SnapshotManifest {
  format: typeof SNAPSHOT_FORMAT;
  formatVersion: number;
  createdTime: number;
  /** The database the snapshot was taken from: sqlite or postgres. */
  sourceDialect: string;
  /** The last migration applied (names sort in order), and all of them: restore migrates the target to this set. */
  schemaVersion: string;
  migrations: string[];
  auditHead: { seq: number; hash: string };
  signingKeys: SnapshotSigningKey[];
  /** In foreign-key order: every table comes after the tables it references. */
  tables: SnapshotTable[];
  artifacts: { included: boolean; files: number; bytes: number; sha256: string };
}

/** The manifest without per-table detail: what `--json` prints. */
export function manifestSummary(manifest: SnapshotManifest): Record<string, unknown> {
  return {
    schemaVersion: manifest.schemaVersion,
    sourceDialect: manifest.sourceDialect,
    createdTime: manifest.createdTime,
    auditHead: manifest.auditHead,
    signingKeys: manifest.signingKeys.map((k) => k.keyId),
    tables: Object.fromEntries(manifest.tables.map((t) => [t.name, t.rows])),
    artifacts: manifest.artifacts,
  };
}

/** A manifest read from disk, or why it cannot be used. */
export function parseManifest(text: string): SnapshotManifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`manifest.json is not JSON: ${(error as Error).message}`);
  }
  const manifest = value as Partial<SnapshotManifest>;
  if (manifest.format !== SNAPSHOT_FORMAT) throw new Error('manifest.json does not describe a Mnemo snapshot');
  if (manifest.formatVersion !== SNAPSHOT_FORMAT_VERSION) {
    throw new Error(`snapshot format ${String(manifest.formatVersion)} is not one this version of Mnemo reads`);
  }
  if (!Array.isArray(manifest.tables) || !Array.isArray(manifest.migrations) || !manifest.auditHead) {
    throw new Error('manifest.json is incomplete');
  }
  return manifest as SnapshotManifest;
}
