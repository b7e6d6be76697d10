/**
 * Tables of the provenance layer. Hashes are lowercase hex; signatures and raw public keys are standard base64; times
 * are epoch milliseconds.
 */

/** The canonical JSON of every audit event's state, whose SHA-256 is the event's state digest. */
export interface AuditStatesTable {
  seq: number;
  state: string;
}

/**
 * Every perfect subtree of the Merkle log: level 0 holds the leaf hashes, level l the root of leaves
 * [index·2^l, (index+1)·2^l). With them any tree head or proof is O(log n) lookups.
 */
export interface AuditMerkleNodesTable {
  level: number;
  idx: number;
  hash: string;
}

/** Every public key the server ever signed with; old keys stay so old checkpoints and attestations keep verifying. */
export interface SigningKeysTable {
  key_id: string;
  algorithm: string;
  public_key: string;
  created_time: number;
  retired_time: number | null;
}

export interface AuditCheckpointsTable {
  tree_size: number;
  key_id: string;
  root_hash: string;
  checkpoint_time: number;
  signature: string;
}

/** Signed in-toto statements (DSSE envelopes as JSON text) about runs and model versions. */
export interface AttestationsTable {
  attestation_id: string;
  subject_kind: string;
  subject_id: string;
  key_id: string;
  envelope: string;
  created_time: number;
}

/** Settings of the audit log, such as the first event whose state was kept (older logs had digests only). */
export interface AuditSettingsTable {
  key: string;
  value: string;
}

export interface ProvenanceDatabase {
  audit_states: AuditStatesTable;
  audit_merkle_nodes: AuditMerkleNodesTable;
  signing_keys: SigningKeysTable;
  audit_checkpoints: AuditCheckpointsTable;
  attestations: AttestationsTable;
  audit_settings: AuditSettingsTable;
}
