import type { ArtifactStore } from '../../store/artifacts/artifact-store.js';
import type { Store } from '../../store/store.js';
import type { AuditAppender } from '../unit-of-work.js';
import { AttestationService } from './attestation-service.js';
import { AuditQueryService } from './audit-query-service.js';
import { CheckpointService } from './checkpoint-service.js';
import { ProofService } from './proof-service.js';
import type { ProvenanceDeps } from './provenance-deps.js';
import { SigningKeyHolder } from './signing-key-service.js';
import { generateSigningKey, type SigningKey } from './signing-key-source.js';

export interface ProvenanceServices {
  keys: SigningKeyHolder;
  checkpoints: CheckpointService;
  proofs: ProofService;
  auditLog: AuditQueryService;
  attestations: AttestationService;
}

/**
 * Wires the provenance use cases around one signing key. Without a configured key (embedded uses, tools) a fresh
 * one is generated for this process; it is registered like any other before its first signature.
 */
export function createProvenanceServices(options: {
  store: Store;
  artifacts: ArtifactStore;
  audit: AuditAppender;
  now: () => number;
  signingKey?: SigningKey | undefined;
}): ProvenanceServices {
  const keys = new SigningKeyHolder(
    options.store,
    options.audit,
    options.now,
    options.signingKey ?? generateSigningKey(),
  );
  const deps: ProvenanceDeps = { ...options, keys };
  const checkpoints = new CheckpointService(deps);
  return {
    keys,
    checkpoints,
    proofs: new ProofService(deps, checkpoints),
    auditLog: new AuditQueryService(deps),
    attestations: new AttestationService(deps),
  };
}
