import type { Executor } from '../store.js';
import { manifestOf } from './registry/version-repository.js';

/** A file the database vouches for: where it lives below the artifact root, and its recorded size and sha256. */
export interface VouchedFile {
  owner: string;
  path: string;
  size: number;
  sha256: string;
}

const PAGE = 500;

/** Every file of every live model version's manifest, a page of versions at a time. */
export async function* registeredVersionFiles(db: Executor): AsyncGenerator<VouchedFile> {
  let after = { modelId: '', version: 0 };
  for (;;) {
    const rows = await db
      .selectFrom('model_versions as v')
      .innerJoin('registered_models as m', 'm.model_id', 'v.model_id')
      .select(['v.model_id', 'v.version', 'v.storage_path', 'v.manifest', 'm.name'])
      .where('v.deleted_time', 'is', null)
      .where((eb) =>
        eb.or([
          eb('v.model_id', '>', after.modelId),
          eb.and([eb('v.model_id', '=', after.modelId), eb('v.version', '>', after.version)]),
        ]),
      )
      .orderBy('v.model_id')
      .orderBy('v.version')
      .limit(PAGE)
      .execute();
    for (const row of rows) {
      const files = manifestOf(row);
      // A version registered from one file stores that file itself, its name as the only manifest entry.
      const single = files.length === 1 && row.storage_path.split('/').pop() === files[0]!.path;
      for (const file of files) {
        yield {
          owner: `model version ${row.name}/${row.version}`,
          path: single ? row.storage_path : `${row.storage_path}/${file.path}`,
          size: file.size,
          sha256: file.sha256,
        };
      }
    }
    if (rows.length < PAGE) return;
    const last = rows.at(-1)!;
    after = { modelId: last.model_id, version: last.version };
  }
}

/** Every artifact file a run recorded, with its run's artifact location, a page at a time. */
export async function* runArtifactFiles(db: Executor): AsyncGenerator<VouchedFile & { artifactUri: string }> {
  let after = { runId: '', path: '' };
  for (;;) {
    const rows = await db
      .selectFrom('artifacts as a')
      .innerJoin('runs as r', 'r.run_id', 'a.run_id')
      .select(['a.run_id', 'a.path', 'a.size', 'a.sha256', 'r.artifact_uri'])
      .where((eb) =>
        eb.or([
          eb('a.run_id', '>', after.runId),
          eb.and([eb('a.run_id', '=', after.runId), eb('a.path', '>', after.path)]),
        ]),
      )
      .orderBy('a.run_id')
      .orderBy('a.path')
      .limit(PAGE)
      .execute();
    for (const row of rows) {
      yield {
        owner: `run ${row.run_id}`,
        path: row.path,
        size: row.size,
        sha256: row.sha256,
        artifactUri: row.artifact_uri,
      };
    }
    if (rows.length < PAGE) return;
    const last = rows.at(-1)!;
    after = { runId: last.run_id, path: last.path };
  }
}
