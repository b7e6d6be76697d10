import type { Store } from '../../store/store.js';
import type { AuditAppender } from '../unit-of-work.js';

/** What lineage services need: the store, the audit log every write appends to, and a clock. */
export interface LineageDeps {
  store: Store;
  audit: AuditAppender;
  now: () => number;
}
