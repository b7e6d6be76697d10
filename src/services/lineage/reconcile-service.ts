import { type CatalogDataset, type CatalogDiff, diffCatalogs } from '../../domain/lineage/catalog-diff.js';
import { compareDigest } from '../../domain/lineage/content-digest.js';
import { type DatasetVersion, type DriftStatus, datasetLabel } from '../../domain/lineage/dataset-version.js';
import type { OpenLineageRunEvent } from '../../domain/lineage/openlineage-event.js';
import { planOpenLineageEvent } from '../../domain/lineage/openlineage-mapping.js';
import { listVersions } from '../../store/repositories/lineage/dataset-version-repository.js';
import type { LineageDeps } from '../service-deps.js';
import { type DataReader, localReader, s3Reader } from './data-readers.js';
import type { LineageQueryService } from './lineage-query-service.js';
import type { LineageService } from './lineage-service.js';
import { dataLocation, type HashProgress } from './local-data-reader.js';

export interface VersionCheck {
  versionId: string;
  nodeId: string;
  dataset: string;
  uri: string;
  recordedDigest: string | null;
  observedDigest: string | null;
  /** Model versions trained on this data: what a drift here puts in question. */
  affectedModelVersions: string[];
}

export interface DataReconciliation {
  checked: number;
  unchanged: VersionCheck[];
  missing: VersionCheck[];
  modified: VersionCheck[];
  /** Present, but registered without a sha256 to compare with. */
  unverifiable: VersionCheck[];
  skipped: { versionId: string; uri: string; reason: string }[];
  /** Files (paths or s3:// URIs) next to registered data that no dataset version names. */
  unregistered: string[];
}

export type ReconcileProgress =
  | { phase: 'hash'; index: number; total: number; uri: string; file: HashProgress }
  | { phase: 'check'; index: number; total: number; uri: string };

/**
 * Re-reads registered dataset versions where they live and compares them with what was registered: missing and
 * modified data is recorded on the version as drift (an audited write) with the model versions it touches; files
 * next to registered ones that nobody registered are listed. Also compares Mnemo's datasets with another
 * catalog's OpenLineage export.
 */
export class ReconcileService {
  private s3Data: DataReader | undefined;

  constructor(
    private readonly deps: LineageDeps,
    private readonly lineage: LineageService,
    private readonly queries: LineageQueryService,
  ) {}

  /** Created on first use: most catalogs hold no S3 data and need no S3 client. */
  private s3(): DataReader {
    this.s3Data ??= s3Reader();
    return this.s3Data;
  }

  async reconcileData(options: {
    recordDrift: boolean;
    onProgress?: (progress: ReconcileProgress) => void;
  }): Promise<DataReconciliation> {
    const report: DataReconciliation = {
      checked: 0,
      unchanged: [],
      missing: [],
      modified: [],
      unverifiable: [],
      skipped: [],
      unregistered: [],
    };
    const versions = (await listVersions(this.deps.store.db)).filter((v) => v.uri !== null);
    // Registered files and directories per reader, so siblings nobody registered can be listed afterwards.
    const seen = new Map<DataReader, { files: Set<string>; directories: string[]; parents: Set<string> }>();
    for (const [index, version] of versions.entries()) {
      const uri = version.uri!;
      const location = dataLocation(uri);
      if (location.kind === 'unsupported') {
        report.skipped.push({ versionId: version.versionId, uri, reason: location.reason });
        continue;
      }
      const reader = location.kind === 's3' ? this.s3() : localReader;
      const where = location.kind === 's3' ? location.uri : location.path;
      options.onProgress?.({ phase: 'check', index, total: versions.length, uri });
      let kind: 'file' | 'directory' | null;
      try {
        kind = await reader.kind(where);
      } catch (error) {
        // An unreachable store, a missing bucket or refused credentials say nothing about the data itself.
        report.skipped.push({
          versionId: version.versionId,
          uri,
          reason: `cannot be read: ${(error as Error).message}`,
        });
        continue;
      }
      report.checked += 1;
      const registered = seen.get(reader) ?? { files: new Set(), directories: [], parents: new Set() };
      seen.set(reader, registered);
      if (kind === 'file') {
        registered.files.add(where);
        registered.parents.add(reader.parentOf(where));
      } else if (kind === 'directory') {
        registered.directories.push(where);
      }
      const check = this.check(version, uri);
      if (kind === null) {
        report.missing.push(await this.drifted(check, 'missing', null, options.recordDrift));
        continue;
      }
      const onFile = (file: HashProgress) =>
        options.onProgress?.({ phase: 'hash', index, total: versions.length, uri, file });
      const observed =
        kind === 'file' ? await reader.hashFile(where, onFile) : await reader.hashDirectory(where, onFile);
      check.observedDigest = observed;
      const verdict = compareDigest(version.digest, observed);
      if (verdict === 'modified')
        report.modified.push(await this.drifted(check, 'modified', observed, options.recordDrift));
      else if (verdict === 'unverifiable') report.unverifiable.push(check);
      else report.unchanged.push(check);
    }
    for (const [reader, registered] of seen) {
      const covered = (location: string) =>
        registered.files.has(location) || registered.directories.some((d) => reader.isInside(location, d));
      for (const directory of [...registered.parents].sort()) {
        for (const location of await reader.filesIn(directory)) {
          if (!covered(location)) report.unregistered.push(location);
        }
      }
    }
    return report;
  }

  /**
   * Compares Mnemo's datasets with those named in another catalog's export of OpenLineage events (JSON Lines).
   * Lines that are not valid events are reported by number rather than silently ignored.
   */
  async compareCatalog(lines: AsyncIterable<string>): Promise<CatalogDiff & { badLines: number[] }> {
    const theirs = new Map<string, CatalogDataset & { time: number }>();
    const badLines: number[] = [];
    let number = 0;
    for await (const line of lines) {
      number += 1;
      if (line.trim() === '') continue;
      try {
        const plan = planOpenLineageEvent(JSON.parse(line) as OpenLineageRunEvent);
        for (const d of plan.datasets) {
          const key = JSON.stringify([d.namespace, d.name]);
          const known = theirs.get(key);
          if (!known || (d.columns && plan.eventTime >= known.time) || (known.columns === null && d.columns)) {
            theirs.set(key, {
              namespace: d.namespace,
              name: d.name,
              columns: d.columns ?? known?.columns ?? null,
              time: d.columns ? plan.eventTime : (known?.time ?? plan.eventTime),
            });
          }
        }
      } catch {
        badLines.push(number);
      }
    }
    const ours = new Map<string, CatalogDataset>();
    for (const version of await listVersions(this.deps.store.db)) {
      const key = JSON.stringify([version.namespace, version.name]);
      const known = ours.get(key);
      // Versions come oldest first, so the last version that described columns wins.
      ours.set(key, {
        namespace: version.namespace,
        name: version.name,
        columns: version.columns ?? known?.columns ?? null,
      });
    }
    return { ...diffCatalogs([...ours.values()], [...theirs.values()]), badLines };
  }

  private check(version: DatasetVersion, uri: string): VersionCheck {
    return {
      versionId: version.versionId,
      nodeId: version.nodeId,
      dataset: datasetLabel(version.namespace, version.name, version.version),
      uri,
      recordedDigest: version.digest,
      observedDigest: null,
      affectedModelVersions: [],
    };
  }

  private async drifted(
    check: VersionCheck,
    status: DriftStatus,
    observed: string | null,
    record: boolean,
  ): Promise<VersionCheck> {
    if (record) await this.lineage.recordDrift(check.versionId, { status, observedDigest: observed });
    const models = await this.queries.modelsTrainedOn(check.versionId, { depth: 50 });
    check.affectedModelVersions = models.modelVersions.map((m) => m.node.id);
    return check;
  }
}
