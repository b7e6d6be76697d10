import type { ArtifactStore } from '../../store/artifacts/artifact-store.js';
import type { Store } from '../../store/store.js';
import type { AuditAppender } from '../unit-of-work.js';
import type { SigningKeyHolder } from './signing-key-service.js';

export interface ProvenanceDeps {
  store: Store;
  artifacts: ArtifactStore;
  audit: AuditAppender;
  now: () => number;
  keys: SigningKeyHolder;
}
