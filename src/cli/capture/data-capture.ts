import { pathToFileURL } from 'node:url';
import {
  type DataReference,
  datasetName,
  parseDataReference,
  versionKey,
} from '../../domain/capture/data-reference.js';
import { invalid } from '../../domain/errors.js';
import { MnemoApiError } from '../../sdk/errors.js';
import type { DatasetVersion, LineageClient } from '../../sdk/lineage.js';
import { type DataReader, localReader, s3Reader } from '../../services/lineage/data-readers.js';
import { Progress } from './progress.js';

export type DataRole = 'input' | 'output';

export interface DataItem {
  role: DataRole;
  ref: DataReference;
}

export interface LinkedData {
  role: DataRole;
  uri: string;
  digest: string;
  versionId: string;
  nodeId: string;
  reused: boolean;
}

/** Reads `--input` and `--output` values, refusing those that cannot be hashed before anything starts. */
export function dataItems(inputs: readonly string[], outputs: readonly string[], resolvePath: (p: string) => string) {
  return [
    ...inputs.map((value) => ({ role: 'input' as const, ref: parseDataReference(value, resolvePath) })),
    ...outputs.map((value) => ({ role: 'output' as const, ref: parseDataReference(value, resolvePath) })),
  ];
}

/** Where a reference's bytes are read; S3 is asked only when an s3:// reference was given. */
export class DataHasher {
  private s3: DataReader | undefined;

  private reader(ref: DataReference): DataReader {
    if (ref.kind === 'local') return localReader;
    this.s3 ??= s3Reader();
    return this.s3;
  }

  private where(ref: DataReference): string {
    return ref.kind === 'local' ? ref.path : ref.uri;
  }

  /** Fails with a clear message when an input is not there, so the command does not start without its data. */
  async requireInputs(items: readonly DataItem[]): Promise<void> {
    for (const item of items.filter((i) => i.role === 'input')) {
      const where = this.where(item.ref);
      if ((await this.reader(item.ref).kind(where)) === null) {
        throw invalid(`--input ${where} does not exist; check the path (nothing was run)`);
      }
    }
  }

  /** sha256 of a file or object, or the directory digest of a folder or prefix; undefined when it is not there. */
  async hash(ref: DataReference): Promise<string | undefined> {
    const reader = this.reader(ref);
    const where = this.where(ref);
    const kind = await reader.kind(where);
    if (kind === null) return undefined;
    const progress = new Progress(`hashing ${where}`);
    let done = 0;
    let fileDone = 0;
    const onProgress = (p: { bytesDone: number; bytesTotal: number }) => {
      // Directories report per file: count finished files plus the current one.
      if (p.bytesDone < fileDone) done += fileDone;
      fileDone = p.bytesDone;
      progress.update(done + p.bytesDone, Math.max(done + p.bytesTotal, done + p.bytesDone));
    };
    try {
      return kind === 'file' ? await reader.hashFile(where, onProgress) : await reader.hashDirectory(where, onProgress);
    } finally {
      progress.done();
    }
  }
}

/**
 * Records a hashed input or output as a dataset version and links it to the run: the dataset's existing version
 * with the same digest is reused, else a version named after the digest is registered (a new dataset so made is
 * managed by its creator). The link goes through the run, so writing to the run and reading the data is all it
 * needs: inputs are linked `consumed`, outputs `produced`.
 */
export async function linkData(
  lineage: LineageClient,
  runId: string,
  item: DataItem,
  digest: string,
): Promise<LinkedData> {
  const { namespace, name } = datasetName(item.ref);
  const uri = item.ref.kind === 'local' ? pathToFileURL(item.ref.path).href : item.ref.uri;
  const existing = (await versionsOf(lineage, namespace, name)).find((v) => v.digest === digest);
  const version = existing ?? (await register(lineage, { namespace, name, version: versionKey(digest), uri, digest }));
  await lineage.linkRunDatasetVersion(runId, { versionId: version.versionId, role: item.role });
  return {
    role: item.role,
    uri,
    digest,
    versionId: version.versionId,
    nodeId: version.nodeId,
    reused: existing !== undefined,
  };
}

/** Registers a version; one that another run registered a moment earlier (409) is that run's, read back. */
async function register(
  lineage: LineageClient,
  input: { namespace: string; name: string; version: string; uri: string; digest: string },
): Promise<DatasetVersion> {
  try {
    return (await lineage.registerDatasetVersion(input)).datasetVersion;
  } catch (error) {
    if (!(error instanceof MnemoApiError && error.status === 409)) throw error;
    const raced = (await versionsOf(lineage, input.namespace, input.name)).find((v) => v.digest === input.digest);
    if (!raced) throw error;
    return raced;
  }
}

async function versionsOf(lineage: LineageClient, namespace: string, name: string) {
  try {
    return await lineage.datasetVersions({ namespace, name });
  } catch (error) {
    if (error instanceof MnemoApiError && error.status === 404) return [];
    throw error;
  }
}
