import { isReadable, type ReadableSet } from '../../domain/access/readable-set.js';
import { parseMarquezName } from '../../domain/lineage/node-names.js';
import type { FlagMentions } from '../../domain/registry/revalidation-redaction.js';
import { findDatasetsNamed, findVersion } from '../../store/repositories/lineage/dataset-version-repository.js';
import { findLoggedModelRow } from '../../store/repositories/logged-model-repository.js';
import { findRunRow } from '../../store/repositories/run-repository.js';
import type { Executor } from '../../store/store.js';
import type { AccessPolicy } from './access-policy.js';
import type { Authenticator } from './authenticator.js';

/** Node ids whose owner decides who sees them, as the lineage routes decide it (see api/access/lineage-visibility). */
const OWNED_NODE = /^(run|logged_model|model_version|dataset_version|dataset):(.+)$/;

/**
 * Which lineage nodes one principal may not read, for what is told to them outside a request of theirs (a webhook
 * delivery to its owner, an inbox entry). Everything is read through `db`: inside a write it is the write's own
 * connection, so a node made in the very write that tells of it (a new dataset version) is judged by its owner too. A principal who can no longer sign in reads nothing.
 */
export class PrincipalNodeVisibility {
  constructor(private readonly deps: { policy: AccessPolicy; authenticator: Authenticator }) {}

  /** The nodes a flag names that the principal may not read. */
  async hiddenIn(db: Executor, principalId: string, flag: FlagMentions): Promise<Set<string>> {
    const named = new Set<string>([flag.cause.upstreamNodeId, flag.cause.replacedNodeId]);
    for (const step of flag.path) {
      named.add(step.from);
      named.add(step.to);
      if (step.runId !== null) named.add(`run:${step.runId}`);
    }
    const owned = [...named].filter((id) => OWNED_NODE.test(id));
    if (owned.length === 0) return new Set();
    const found = await this.deps.authenticator.activePrincipal(principalId, db);
    if (!found.ok) return new Set(owned);
    const principal = found.principal;
    if (principal.isAdmin) return new Set();
    const sets = new Map<string, Promise<ReadableSet>>();
    const readable = (kind: 'experiment' | 'model' | 'dataset') => {
      let set = sets.get(kind);
      if (!set) {
        set = this.deps.policy.readableIn(db, principal, kind);
        sets.set(kind, set);
      }
      return set;
    };
    const hidden = new Set<string>();
    for (const id of owned) {
      const [, kind, entityId = ''] = OWNED_NODE.exec(id) ?? [];
      let visible: boolean;
      if (kind === 'model_version') visible = isReadable(await readable('model'), entityId.split('/')[0] ?? '');
      else if (kind === 'dataset_version') {
        const version = await findVersion(db, entityId);
        visible = version === undefined || isReadable(await readable('dataset'), version.datasetId);
      } else if (kind === 'dataset') {
        const [found] = await findDatasetsNamed(db, parseMarquezName(id)?.candidates ?? []);
        visible = found === undefined || isReadable(await readable('dataset'), found.dataset_id);
      } else {
        const experimentId =
          kind === 'run'
            ? (await findRunRow(db, entityId))?.experiment_id
            : (await findLoggedModelRow(db, entityId))?.experiment_id;
        visible = experimentId === undefined || isReadable(await readable('experiment'), experimentId);
      }
      if (!visible) hidden.add(id);
    }
    return hidden;
  }
}
