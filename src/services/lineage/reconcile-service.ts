import { readdir } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { type CatalogDataset, type CatalogDiff, diffCatalogs } from '../../domain/lineage/catalog-diff.js';
import { compareDigest } from '../../domain/lineage/content-digest.js';
import type { DatasetVersion, DriftStatus } from '../../domain/lineage/dataset-version.js';
import type { OpenLineageRunEvent } from '../../domain/lineage/openlineage-event.js';
import { planOpenLineageEvent } from '../../domain/lineage/openlineage-mapping.js';
import { listVersions } from '../../store/repositories/lineage/dataset-version-repository.js';
import type { LineageDeps } from './lineage-deps.js';
import type { LineageQueryService } from './lineage-query-service.js';
import type { LineageService } from './lineage-service.js';
import { exists, type HashProgress, hashDirectory, hashFile, localLocation } from './local-data-reader.js';

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
  /** Files in directories that hold registered data but that no dataset version names. */
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
  constructor(
    private readonly deps: LineageDeps,
    private readonly lineage: LineageService,
    private readonly queries: LineageQueryService,
  ) {}

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
    const registeredFiles = new Set<string>();
    const registeredDirectories: string[] = [];
    const parentDirectories = new Set<string>();
    for (const [index, version] of versions.entries()) {
      const uri = version.uri!;
      const location = localLocation(uri);
      if (location.kind === 'unsupported') {
        report.skipped.push({ versionId: version.versionId, uri, reason: location.reason });
        continue;
      }
      report.checked += 1;
      options.onProgress?.({ phase: 'check', index, total: versions.length, uri });
      const kind = await exists(location.path);
      if (kind === 'file') {
        registeredFiles.add(location.path);
        parentDirectories.add(dirname(location.path));
      } else if (kind === 'directory') {
        registeredDirectories.push(location.path);
      }
      const check = this.check(version, uri);
      if (kind === null) {
        report.missing.push(await this.drifted(check, 'missing', null, options.recordDrift));
        continue;
      }
      const onFile = (file: HashProgress) =>
        options.onProgress?.({ phase: 'hash', index, total: versions.length, uri, file });
      const observed =
        kind === 'file' ? await hashFile(location.path, onFile) : await hashDirectory(location.path, onFile);
      check.observedDigest = observed;
      const verdict = compareDigest(version.digest, observed);
      if (verdict === 'modified')
        report.modified.push(await this.drifted(check, 'modified', observed, options.recordDrift));
      else if (verdict === 'unverifiable') report.unverifiable.push(check);
      else report.unchanged.push(check);
    }
    const covered = (path: string) =>
      registeredFiles.has(path) || registeredDirectories.some((d) => path.startsWith(`${d}${sep}`));
    for (const directory of [...parentDirectories].sort()) {
      for (const entry of await readdir(directory, { withFileTypes: true })) {
        const path = join(directory, entry.name);
        if (entry.isFile() && !covered(path)) report.unregistered.push(path);
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
      dataset: `${version.namespace}/${version.name}@${version.version}`,
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
