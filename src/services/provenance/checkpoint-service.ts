import { invalid, notFound } from '../../domain/errors.js';
import type { AuditAction } from '../../domain/provenance/audit-events/catalog.js';
import { type SignedCheckpoint, signCheckpoint } from '../../domain/provenance/checkpoint.js';
import { lockAuditHead } from '../../store/repositories/provenance/audit-event-repository.js';
import {
  checkpointAt,
  checkpointsPage,
  grewSince,
  insertCheckpoint,
  latestCheckpoint,
} from '../../store/repositories/provenance/checkpoint-repository.js';
import { treeRoot } from '../../store/repositories/provenance/merkle-node-repository.js';
import type { ProvenanceDeps } from './provenance-deps.js';

export const CHECKPOINT_ACTION = 'audit.checkpoint' satisfies AuditAction;

/**
 * Signs tree heads of the audit log. The head row is locked while the root is computed, so the checkpoint names a
 * size and root that really were the log at one moment, and replicas signing at once take turns. A checkpoint is
 * itself logged, as one more event after the tree it covers.
 */
export class CheckpointService {
  constructor(private readonly deps: ProvenanceDeps) {}

  /** Signs the current tree head. */
  async create(): Promise<SignedCheckpoint> {
    const created = await this.sign(false);
    return created!;
  }

  /** Signs only if something other than checkpoints was logged since the latest one (what the timer calls). */
  async createIfGrown(): Promise<SignedCheckpoint | undefined> {
    return this.sign(true);
  }

  async latest(): Promise<SignedCheckpoint> {
    const found = await latestCheckpoint(this.deps.store.db);
    if (!found) throw notFound('No checkpoint has been signed yet; create one with POST /api/v1/audit/checkpoints.');
    return found;
  }

  async at(treeSize: number): Promise<SignedCheckpoint> {
    const found = await checkpointAt(this.deps.store.db, treeSize);
    if (!found) {
      throw notFound(`No checkpoint covers exactly ${treeSize} events; list them with GET /api/v1/audit/checkpoints.`);
    }
    return found;
  }

  /** Checkpoints in tree-size order; the page token names the last one seen. */
  async page(
    maxResults: number | undefined,
    pageToken: string | undefined,
  ): Promise<{ checkpoints: SignedCheckpoint[]; nextPageToken?: string }> {
    const limit = maxResults ?? 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
      throw invalid(`maxResults must be between 1 and 1000; got ${maxResults}`);
    }
    const after = pageToken === undefined ? undefined : decodeCheckpointToken(pageToken);
    const rows = await checkpointsPage(this.deps.store.db, after, limit + 1);
    const page = rows.slice(0, limit);
    const result: { checkpoints: SignedCheckpoint[]; nextPageToken?: string } = { checkpoints: page };
    const last = page.at(-1);
    if (rows.length > limit && last) {
      result.nextPageToken = Buffer.from(JSON.stringify([last.treeSize, last.keyId])).toString('base64url');
    }
    return result;
  }

  private async sign(onlyIfGrown: boolean): Promise<SignedCheckpoint | undefined> {
    const signer = await this.deps.keys.signer();
    return this.deps.unitOfWork.write(async ({ db, audit }) => {
      const head = await lockAuditHead(db);
      if (onlyIfGrown) {
        const latest = await latestCheckpoint(db);
        if (!(await grewSince(db, latest?.treeSize ?? 0, CHECKPOINT_ACTION))) return undefined;
      }
      const root = await treeRoot(db, head.lastSeq);
      const checkpoint = signCheckpoint(
        { treeSize: head.lastSeq, rootHash: root.toString('hex'), time: this.deps.now(), keyId: signer.keyId },
        signer.privateKey,
      );
      if (!(await insertCheckpoint(db, checkpoint))) return (await checkpointAt(db, head.lastSeq)) ?? checkpoint;
      audit({ action: CHECKPOINT_ACTION, entityKind: 'checkpoint', entityId: String(head.lastSeq), state: checkpoint });
      return checkpoint;
    });
  }
}

function decodeCheckpointToken(token: string): { treeSize: number; keyId: string } {
  try {
    const [treeSize, keyId] = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown[];
    if (Number.isSafeInteger(treeSize) && typeof keyId === 'string') return { treeSize: treeSize as number, keyId };
  } catch {
    // reported below
  }
  throw invalid(`Invalid page token '${token}': it was not issued by this server or has been altered`);
}
