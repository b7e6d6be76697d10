import type { Readable } from 'node:stream';
import { joinArtifactPath, normalizeArtifactPath } from '../../domain/artifacts/artifact-path.js';
import { DEFAULT_UPLOAD_LIMITS, type UploadLimits, uploadAllowance } from '../../domain/artifacts/upload-limits.js';
import { invalid, invalidState, notFound } from '../../domain/errors.js';
import type { AuditAction } from '../../domain/provenance/audit-events/catalog.js';
import { loggedModelFileState } from '../../domain/provenance/audit-events/logged-model-states.js';
import type { ArtifactFile } from '../../domain/tracking/entities.js';
import { parseLoggedModelPath } from '../../domain/tracking/logged-model.js';
import {
  artifactDigests,
  forgetArtifacts,
  recordArtifact,
  runArtifactBytes,
} from '../../store/repositories/artifact-repository.js';
import {
  findLoggedModelRow,
  forgetLoggedModelFiles,
  loggedModelFileDigests,
  recordLoggedModelFile,
} from '../../store/repositories/logged-model-repository.js';
import { manifestOf, versionsStoredAround } from '../../store/repositories/registry/version-repository.js';
import { findRunRow, runStoredBelow } from '../../store/repositories/run-repository.js';
import type { RunsTable } from '../../store/schema.js';
import type { LoggedModelsTable } from '../../store/schema-logged-models.js';
import { manifestChecked } from '../registry/manifest-checked-stream.js';
import type { ServiceDeps } from '../service-deps.js';
import { limitBytes } from './byte-limit.js';

const PROXY_SCHEME = 'mlflow-artifacts:/';
export const LOGGED_MODEL_FILE_DELETE = 'logged_model_file.delete' satisfies AuditAction;
export const loggedModelFileEntityId = (modelId: string, path: string): string => `${modelId}/${path}`;

/**
 * Artifact bytes go to the artifact store; their size and sha256 go to the database in the same step, so every file
 * a run reports can later be checked against what was uploaded. Paths are confined to the run's artifact root.
 */
export class ArtifactService {
  private readonly limits: UploadLimits;

  constructor(private readonly deps: ServiceDeps) {
    this.limits = deps.uploadLimits ?? DEFAULT_UPLOAD_LIMITS;
  }

  async upload(runId: string, path: string, body: Readable): Promise<ArtifactFile> {
    const relative = normalizeArtifactPath(path);
    if (relative === '') throw invalid('artifact path must name a file');
    const run = await this.requireRun(runId);
    if (run.lifecycle_stage !== 'active') throw invalidState(`Run ${runId} is deleted; restore it before uploading`);
    return this.storeFile(run, relative, body);
  }

  async list(runId: string, path: string | undefined): Promise<{ rootUri: string; files: ArtifactFile[] }> {
    const run = await this.requireRun(runId);
    const directory = normalizeArtifactPath(path ?? '');
    const root = runRoot(run);
    const [listed, digests] = await Promise.all([
      this.deps.artifacts.list(joinArtifactPath(root, directory)),
      artifactDigests(this.deps.store.db, runId),
    ]);
    const files = listed.map((entry) => {
      const relative = entry.path.slice(root.length + 1);
      const digest = digests.get(relative);
      return { path: relative, isDir: entry.isDir, size: entry.size, sha256: digest?.sha256 ?? null };
    });
    return { rootUri: run.artifact_uri, files };
  }

  async download(runId: string, path: string): Promise<{ body: Readable; size: number }> {
    const run = await this.requireRun(runId);
    const relative = normalizeArtifactPath(path);
    const target = joinArtifactPath(runRoot(run), relative);
    const found = await this.deps.artifacts.get(target);
    if (!found) throw notFound(`No artifact at '${relative}' for run ${runId}`);
    return this.asRegistered(target, found);
  }

  async delete(runId: string, path: string): Promise<void> {
    const run = await this.requireRun(runId);
    const relative = normalizeArtifactPath(path);
    const target = joinArtifactPath(runRoot(run), relative);
    await this.refuseIfRegistered(target, 'delete');
    await this.deps.artifacts.delete(target);
    await this.deps.unitOfWork.write(async ({ db, audit }) => {
      await forgetArtifacts(db, runId, relative);
      audit({ action: 'artifact.delete', entityKind: 'run', entityId: runId, state: { path: relative } });
    });
  }

  /** Called by the MLflow artifact proxy, whose paths are relative to the artifact root rather than to a run. */
  async uploadByRootPath(rootPath: string, body: Readable): Promise<ArtifactFile> {
    const normalized = normalizeArtifactPath(rootPath);
    if (normalized === '') throw invalid('artifact path must name a file');
    const owner = await this.runOwning(normalized);
    if (owner) {
      if (owner.relative === '') throw invalid('artifact path must name a file');
      if (owner.run.lifecycle_stage !== 'active') {
        throw invalidState(`Run ${owner.run.run_id} is deleted; restore it before uploading`);
      }
      return this.storeFile(owner.run, owner.relative, body);
    }
    const model = await this.loggedModelOwning(normalized);
    if (model) return this.storeModelFile(model.row, model.relative, body);
    await this.refuseIfRegistered(normalized, 'write');
    const capped = limitBytes(
      body,
      this.limits.maxFileBytes,
      () => `Artifact '${normalized}' is larger than the limit of ${this.limits.maxFileBytes} bytes per file`,
    );
    const stored = await this.deps.artifacts.put(normalized, capped);
    await this.deps.unitOfWork.write(async ({ audit }) => {
      audit({ action: 'artifact.upload', entityKind: 'artifact', entityId: normalized, state: stored });
    });
    return { path: normalized, isDir: false, size: stored.size, sha256: stored.sha256 };
  }

  /** Reads one file by its path below the artifact root (the MLflow artifact proxy's addressing). */
  async downloadByRootPath(rootPath: string): Promise<{ body: Readable; size: number }> {
    const normalized = normalizeArtifactPath(rootPath);
    const found = normalized === '' ? undefined : await this.deps.artifacts.get(normalized);
    if (!found) throw notFound(`No artifact at '${normalized}'`);
    return this.asRegistered(normalized, found);
  }

  /**
   * A file inside a registered version's source (what clients load a registered model through) is served only as
   * its manifest records it; any other file is served as stored.
   */
  private async asRegistered(
    normalized: string,
    found: { body: Readable; size: number },
  ): Promise<{ body: Readable; size: number }> {
    const [held] = await versionsStoredAround(this.deps.store.db, normalized, { includeBelow: false });
    if (!held) return found;
    const files = manifestOf(held);
    const inside = normalized === held.storagePath ? '' : normalized.slice(held.storagePath.length + 1);
    const entry = inside === '' && files.length === 1 ? files[0] : files.find((file) => file.path === inside);
    if (!entry) {
      found.body.destroy();
      throw notFound(`No artifact at '${normalized}' in registered model version ${held.name}/${held.version}`);
    }
    return manifestChecked(found, entry, `'${normalized}' of model version ${held.name}/${held.version}`);
  }

  /** Lists one directory below the artifact root; entries are named relative to that directory. */
  async listByRootPath(rootPath: string): Promise<ArtifactFile[]> {
    const directory = normalizeArtifactPath(rootPath);
    const listed = await this.deps.artifacts.list(directory);
    const prefixLength = directory === '' ? 0 : directory.length + 1;
    return listed.map((entry) => ({
      path: entry.path.slice(prefixLength),
      isDir: entry.isDir,
      size: entry.size,
      sha256: null,
    }));
  }

  /** Deletes a file or directory below the artifact root; a run's recorded digests for it are forgotten too. */
  async deleteByRootPath(rootPath: string): Promise<void> {
    const normalized = normalizeArtifactPath(rootPath);
    if (normalized === '') throw invalid('artifact path must name a file or directory');
    const owner = await this.runOwning(normalized);
    if (owner) return this.delete(owner.run.run_id, owner.relative);
    await this.refuseIfRegistered(normalized, 'delete');
    const model = await this.loggedModelOwning(normalized);
    if (model) return this.deleteModelFiles(model.row, model.relative);
    // A directory holding runs' files (an experiment's, say) is not removed behind the runs' backs: their records
    // would keep naming files that are gone. Runs' files are deleted through their run.
    const run = await runStoredBelow(this.deps.store.db, normalized);
    if (run) {
      throw invalidState(
        `'${normalized}' holds the artifacts of run ${run}; delete them through the run, not the directory above it`,
      );
    }
    await this.deps.artifacts.delete(normalized);
    await this.deps.unitOfWork.write(async ({ audit }) => {
      audit({ action: 'artifact.delete', entityKind: 'artifact', entityId: normalized, state: { path: normalized } });
    });
  }

  /**
   * Maps an artifact-root path of the form `<experiment>/<run id>/artifacts/<file>` to its run, when that run exists
   * and that is its artifact location.
   */
  async runOwning(rootPath: string): Promise<{ run: RunsTable; relative: string } | undefined> {
    // The run's artifact directory itself (relative '') or a path inside it.
    const match = /^(.+?)\/([0-9a-f]{32})\/artifacts(?:\/(.+))?$/.exec(rootPath);
    if (!match) return undefined;
    const run = await findRunRow(this.deps.store.db, match[2]!);
    if (!run || runRoot(run) !== `${match[1]}/${match[2]}/artifacts`) return undefined;
    return { run, relative: match[3] ?? '' };
  }

  /** Maps `<experiment root>/models/<model id>/artifacts[/<file>]` to its LoggedModel, when that is its folder. */
  async loggedModelOwning(rootPath: string): Promise<{ row: LoggedModelsTable; relative: string } | undefined> {
    const parsed = parseLoggedModelPath(rootPath);
    if (!parsed) return undefined;
    const row = await findLoggedModelRow(this.deps.store.db, parsed.modelId);
    if (!row) return undefined;
    const folder = parsed.relative === '' ? rootPath : rootPath.slice(0, -(parsed.relative.length + 1));
    return folder === row.artifact_location ? { row, relative: parsed.relative } : undefined;
  }

  /** A LoggedModel's file: stored, its size and sha256 recorded, like a run's. */
  private async storeModelFile(model: LoggedModelsTable, relative: string, body: Readable): Promise<ArtifactFile> {
    if (relative === '') throw invalid('artifact path must name a file');
    if (model.lifecycle_stage !== 'active') throw invalidState(`Logged model ${model.model_id} is deleted`);
    const target = joinArtifactPath(model.artifact_location, relative);
    await this.refuseIfRegistered(target, 'write');
    const capped = limitBytes(
      body,
      this.limits.maxFileBytes,
      () => `Artifact '${relative}' is larger than the limit of ${this.limits.maxFileBytes} bytes per file`,
    );
    const stored = await this.deps.artifacts.put(target, capped);
    await this.deps.unitOfWork.write(async ({ db, audit }) => {
      const row = {
        model_id: model.model_id,
        path: relative,
        size: stored.size,
        sha256: stored.sha256,
        created_time: this.deps.now(),
      };
      await recordLoggedModelFile(db, row);
      audit({
        action: 'logged_model_file.upload',
        entityKind: 'logged_model_file',
        entityId: loggedModelFileEntityId(model.model_id, relative),
        state: loggedModelFileState(row),
      });
    });
    return { path: relative, isDir: false, size: stored.size, sha256: stored.sha256 };
  }

  private async deleteModelFiles(model: LoggedModelsTable, relative: string): Promise<void> {
    await this.deps.artifacts.delete(joinArtifactPath(model.artifact_location, relative));
    await this.deps.unitOfWork.write(async ({ db, audit }) => {
      for (const path of await forgetLoggedModelFiles(db, model.model_id, relative)) {
        audit({
          action: LOGGED_MODEL_FILE_DELETE,
          entityKind: 'logged_model_file',
          entityId: loggedModelFileEntityId(model.model_id, path),
          state: { path },
        });
      }
    });
  }

  /** A LoggedModel's files, with the sha256 recorded at upload. */
  async listLoggedModel(modelId: string, path: string): Promise<{ rootUri: string; files: ArtifactFile[] }> {
    const model = await findLoggedModelRow(this.deps.store.db, modelId);
    if (!model || model.lifecycle_stage !== 'active') throw notFound(`Logged model with ID '${modelId}' not found.`);
    const directory = normalizeArtifactPath(path);
    const root = model.artifact_location;
    const [listed, digests] = await Promise.all([
      this.deps.artifacts.list(joinArtifactPath(root, directory)),
      loggedModelFileDigests(this.deps.store.db, modelId),
    ]);
    const files = listed.map((entry) => {
      const inside = entry.path.slice(root.length + 1);
      return { path: inside, isDir: entry.isDir, size: entry.size, sha256: digests.get(inside)?.sha256 ?? null };
    });
    return { rootUri: `${PROXY_SCHEME}${root}`, files };
  }

  /**
   * The files behind a registered model version never change: its manifest and attestation vouch for these bytes.
   * Writing into a version's source, or deleting it or a directory holding it, is refused.
   */
  private async refuseIfRegistered(rootPath: string, operation: 'write' | 'delete'): Promise<void> {
    const [held] = await versionsStoredAround(this.deps.store.db, rootPath, { includeBelow: operation === 'delete' });
    if (!held) return;
    throw invalidState(
      `Cannot ${operation} '${rootPath}': it holds the files of registered model version ${held.name}/${held.version} ` +
        `(stored at '${held.storagePath}'), which never change; log a new artifact path and register a new version`,
    );
  }

  private async storeFile(run: RunsTable, relative: string, body: Readable): Promise<ArtifactFile> {
    await this.refuseIfRegistered(joinArtifactPath(runRoot(run), relative), 'write');
    const { total: runBytes, atPath } = await runArtifactBytes(this.deps.store.db, run.run_id, relative);
    const allowance = uploadAllowance(this.limits, runBytes, atPath);
    const capped = limitBytes(body, allowance, () =>
      allowance < this.limits.maxFileBytes
        ? `Run ${run.run_id} already holds ${runBytes} bytes of artifacts; the limit per run is ` +
          `${this.limits.maxRunBytes} bytes, so '${relative}' may have at most ${allowance}`
        : `Artifact '${relative}' is larger than the limit of ${this.limits.maxFileBytes} bytes per file`,
    );
    const stored = await this.deps.artifacts.put(joinArtifactPath(runRoot(run), relative), capped);
    await this.deps.unitOfWork.write(async ({ db, audit }) => {
      const row = {
        run_id: run.run_id,
        path: relative,
        size: stored.size,
        sha256: stored.sha256,
        created_time: this.deps.now(),
      };
      await recordArtifact(db, row);
      audit({ action: 'artifact.upload', entityKind: 'run', entityId: run.run_id, state: row });
    });
    return { path: relative, isDir: false, size: stored.size, sha256: stored.sha256 };
  }

  private async requireRun(runId: string): Promise<RunsTable> {
    const run = await findRunRow(this.deps.store.db, runId);
    if (!run) throw notFound(`Run with id=${runId} not found`);
    return run;
  }
}

/** The run's artifact directory relative to the artifact root, from its `mlflow-artifacts:/…` URI. */
export function runRoot(run: RunsTable): string {
  const root = rootOfArtifactUri(run.artifact_uri);
  if (root === undefined) throw invalidState(`Run ${run.run_id} has an artifact location outside the artifact root`);
  return root;
}

/** The path below the artifact root that an `mlflow-artifacts:/…` URI names; undefined for any other URI. */
export function rootOfArtifactUri(uri: string): string | undefined {
  if (!uri.startsWith(PROXY_SCHEME)) return undefined;
  return normalizeArtifactPath(uri.slice(PROXY_SCHEME.length).replace(/^\/+/, ''));
}
