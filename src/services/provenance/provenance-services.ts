import type { ServiceDeps } from '../service-deps.js';
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
export function createProvenanceServices(
  services: ServiceDeps,
  signingKey: SigningKey | undefined,
): ProvenanceServices {
  const keys = new SigningKeyHolder(
    services.store,
    services.unitOfWork,
    services.now,
    signingKey ?? generateSigningKey(),
  );
  const deps: ProvenanceDeps = { ...services, keys };
  const checkpoints = new CheckpointService(deps);
  return {
    keys,
    checkpoints,
    proofs: new ProofService(deps, checkpoints),
    auditLog: new AuditQueryService(deps),
    attestations: new AttestationService(deps),
  };
}
