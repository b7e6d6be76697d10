import type { Services } from '../../../services/services.js';
import type { TypedApp } from '../../typed-app.js';
import { attestationRoutes } from './attestation-routes.js';
import { auditRoutes } from './audit-routes.js';
import { keyRoutes } from './key-routes.js';

/** Every provenance endpoint under /api/v1: audit log, proofs, checkpoints, keys and attestations. */
export async function provenanceRoutes(app: TypedApp, options: { services: Services }) {
  await app.register(auditRoutes, options);
  await app.register(keyRoutes, options);
  await app.register(attestationRoutes, options);
}
