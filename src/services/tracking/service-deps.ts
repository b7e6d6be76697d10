import type { UploadLimits } from '../../domain/artifacts/upload-limits.js';
import type { ArtifactStore } from '../../store/artifacts/artifact-store.js';
import type { Store } from '../../store/store.js';
import type { AuditAppender } from '../unit-of-work.js';

export interface ServiceDeps {
  store: Store;
  artifacts: ArtifactStore;
  audit: AuditAppender;
  now: () => number;
  uploadLimits?: UploadLimits;
}
