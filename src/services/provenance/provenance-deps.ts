import type { ServiceDeps } from '../service-deps.js';
import type { SigningKeyHolder } from './signing-key-service.js';

/** Provenance services also sign: they share the holder of the server's signing key. */
export type ProvenanceDeps = ServiceDeps & { keys: SigningKeyHolder };
