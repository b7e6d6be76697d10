import { invalid, notFound } from '../../domain/errors.js';
import type { SignedCheckpoint } from '../../domain/provenance/checkpoint.js';
import { INCLUSION_PROOF_FORMAT, type InclusionProofBundle } from '../../domain/provenance/inclusion-proof-bundle.js';
import { consistencyProofRanges, inclusionProofRanges } from '../../domain/provenance/merkle-range.js';
import { findAuditEvent, readAuditHead } from '../../store/repositories/provenance/audit-event-repository.js';
import { checkpointAt } from '../../store/repositories/provenance/checkpoint-repository.js';
import { rangeHashes, treeRoot } from '../../store/repositories/provenance/merkle-node-repository.js';
import type { CheckpointService } from './checkpoint-service.js';
import type { ProvenanceDeps } from './provenance-deps.js';

export interface ConsistencyProof {
  from: number;
  to: number;
  fromRoot: string;
  toRoot: string;
  proof: string[];
  /** Signed checkpoints at those sizes, when there are. */
  fromCheckpoint: SignedCheckpoint | null;
  toCheckpoint: SignedCheckpoint | null;
}

/** Builds inclusion and consistency proofs from the stored subtree hashes: O(log n) lookups each. */
export class ProofService {
  constructor(
    private readonly deps: ProvenanceDeps,
    private readonly checkpoints: CheckpointService,
  ) {}

  /** Proves event `seq` is in the tree of a checkpoint (the latest one unless a size is named). */
  async inclusion(seq: number, treeSize?: number): Promise<InclusionProofBundle> {
    const db = this.deps.store.db;
    const checkpoint = treeSize === undefined ? await this.checkpoints.latest() : await this.checkpoints.at(treeSize);
    const event = await findAuditEvent(db, seq);
    if (!event) throw notFound(`No audit event with seq ${seq}`);
    if (seq > checkpoint.treeSize) {
      throw invalid(
        `Event ${seq} is newer than the checkpoint of ${checkpoint.treeSize} events; sign a new checkpoint first.`,
      );
    }
    const path = await rangeHashes(db, inclusionProofRanges(seq - 1, checkpoint.treeSize));
    return {
      format: INCLUSION_PROOF_FORMAT,
      event,
      leafIndex: seq - 1,
      treeSize: checkpoint.treeSize,
      inclusionPath: path.map((h) => h.toString('hex')),
      checkpoint,
    };
  }

  /** Proves the tree of `to` events extends the tree of `from` events without changing any of them. */
  async consistency(from: number, to: number): Promise<ConsistencyProof> {
    const db = this.deps.store.db;
    const { lastSeq } = await readAuditHead(db);
    if (from > to) throw invalid(`from (${from}) must not be larger than to (${to})`);
    if (to > lastSeq) throw invalid(`to (${to}) is larger than the log, which has ${lastSeq} events`);
    const [proof, fromRoot, toRoot, fromCheckpoint, toCheckpoint] = await Promise.all([
      rangeHashes(db, consistencyProofRanges(from, to)),
      treeRoot(db, from),
      treeRoot(db, to),
      checkpointAt(db, from),
      checkpointAt(db, to),
    ]);
    return {
      from,
      to,
      fromRoot: fromRoot.toString('hex'),
      toRoot: toRoot.toString('hex'),
      proof: proof.map((h) => h.toString('hex')),
      fromCheckpoint: fromCheckpoint ?? null,
      toCheckpoint: toCheckpoint ?? null,
    };
  }
}
