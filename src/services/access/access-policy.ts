import { LRUCache } from 'lru-cache';
import {
  type AccessDecision,
  decideAccess,
  type HeldRole,
  type ProtectedResource,
} from '../../domain/access/access-decision.js';
import type { RoleName } from '../../domain/access/access-types.js';
import type { Principal } from '../../domain/access/principal.js';
import { type ReadableSet, readableSet } from '../../domain/access/readable-set.js';
import { type Need, roleFor } from '../../domain/access/roles.js';
import { parseMarquezName } from '../../domain/lineage/node-names.js';
import {
  allBindingsOf,
  bindingsAndRestriction,
  bindingsFor,
  restrictedIds,
} from '../../store/repositories/access/role-binding-repository.js';
import { experimentOwningPath, findExperimentRowByName } from '../../store/repositories/experiment-repository.js';
import { findDatasetsNamed, findVersion } from '../../store/repositories/lineage/dataset-version-repository.js';
import { findLoggedModelRow } from '../../store/repositories/logged-model-repository.js';
import { findRequestRow } from '../../store/repositories/registry/approval-repository.js';
import { findModelNameById, findModelRow } from '../../store/repositories/registry/model-repository.js';
import { findRunRow } from '../../store/repositories/run-repository.js';
import type { Executor, Store } from '../../store/store.js';
import type { AccessFactsCache } from './access-facts-cache.js';

/**
 * The facts access decisions need — read from the database, or kept by the facts cache under the access generation
 * the request was authenticated in, so a grant or a revocation applies on every replica at once — and the decisions
 * themselves from domain/access.
 */
export class AccessPolicy {
  /**
   * The experiment each run and logged model belongs to, once found: neither ever moves to another experiment and
   * their ids are never reused, so the answer cannot go stale, and the hot paths (a metric batch to a run) are spared
   * a lookup per request. What was not found is not remembered: it may be created next.
   */
  private readonly homes = new LRUCache<string, string>({ max: 100_000 });

  constructor(
    private readonly store: Store,
    readonly defaultRole: RoleName | null,
    private readonly facts: AccessFactsCache,
  ) {}

  /** A principal and its teams, as keys of remembered facts: a change of teams makes a different key. */
  private static who(principal: Principal): string {
    return `${principal.id}\0${principal.teamIds.join(',')}`;
  }

  async decide(principal: Principal, need: Need, resource: ProtectedResource): Promise<AccessDecision> {
    if (principal.isAdmin)
      return decideAccess(principal, need, resource, { held: [], defaultRole: null, restricted: false });
    if (resource.kind === 'global') {
      const bindings = await this.facts.through(
        principal.factsGeneration,
        `global\0${AccessPolicy.who(principal)}`,
        () => bindingsFor(this.store.db, principal.id, principal.teamIds, 'global', ''),
      );
      // The server as a whole (the audit log, schemas, lineage entities of no experiment) is reached through global
      // roles only: the default role is for experiments and models nobody restricted.
      const held: HeldRole[] = bindings.map((b) => ({ role: b.role, global: false }));
      return decideAccess(principal, need, resource, { held, defaultRole: null, restricted: true });
    }
    const { bindings, restricted } = await this.facts.through(
      principal.factsGeneration,
      `on\0${AccessPolicy.who(principal)}\0${resource.kind}\0${resource.id}`,
      () => bindingsAndRestriction(this.store.db, principal.id, principal.teamIds, resource.kind, resource.id),
    );
    const held: HeldRole[] = bindings.map((b) => ({ role: b.role, global: b.resource_kind === 'global' }));
    return decideAccess(principal, need, resource, {
      held,
      defaultRole: this.defaultRoleFor(resource.kind),
      restricted,
    });
  }

  /**
   * Datasets are shared by every team that reads them, so any signed-in principal reads one nobody restricted, as it
   * reads the rest of the lineage graph; writing a dataset's versions takes a global role or one bound to it.
   */
  private defaultRoleFor(kind: 'experiment' | 'model' | 'dataset'): RoleName | null {
    return kind === 'dataset' ? 'reader' : this.defaultRole;
  }

  /**
   * The strongest role whose every need this principal may exercise on a resource (admins: manager), or null when it
   * may not even read it. Asked need by need through decide(), so a read-only token or a restriction counts exactly as
   * it does when a request is checked; the UI uses it to offer only the actions the server would allow.
   */
  async effectiveRole(principal: Principal, resource: ProtectedResource): Promise<RoleName | null> {
    for (const need of ['manage', 'edit', 'read'] as const) {
      if ((await this.decide(principal, need, resource)).allowed) return roleFor(need);
    }
    return null;
  }

  /** Which experiments, registered models or datasets lists may show this principal. */
  async readable(principal: Principal, kind: 'experiment' | 'model' | 'dataset'): Promise<ReadableSet> {
    if (principal.isAdmin) return { kind: 'all' };
    const [bindings, restricted] = await Promise.all([
      this.facts.through(principal.factsGeneration, `all\0${AccessPolicy.who(principal)}`, () =>
        allBindingsOf(this.store.db, principal.id, principal.teamIds),
      ),
      this.facts.through(principal.factsGeneration, `restricted\0${kind}`, () => restrictedIds(this.store.db, kind)),
    ]);
    return readableSet({
      isAdmin: false,
      resourceRoles: new Set(bindings.filter((b) => b.resource_kind === kind).map((b) => b.resource_id)),
      hasGlobalRole: bindings.some((b) => b.resource_kind === 'global'),
      defaultRole: this.defaultRoleFor(kind),
      restrictedIds: restricted,
    });
  }

  /**
   * As readable(), read through `db` and not remembered: for deciding inside a write what someone other than the
   * caller may read (the connection the write holds is the only one SQLite has).
   */
  async readableIn(db: Executor, principal: Principal, kind: 'experiment' | 'model' | 'dataset'): Promise<ReadableSet> {
    if (principal.isAdmin) return { kind: 'all' };
    const [bindings, restricted] = await Promise.all([
      allBindingsOf(db, principal.id, principal.teamIds),
      restrictedIds(db, kind),
    ]);
    return readableSet({
      isAdmin: false,
      resourceRoles: new Set(bindings.filter((b) => b.resource_kind === kind).map((b) => b.resource_id)),
      hasGlobalRole: bindings.some((b) => b.resource_kind === 'global'),
      defaultRole: this.defaultRoleFor(kind),
      restrictedIds: restricted,
    });
  }

  /** The dataset a dataset version belongs to, with its `<namespace>:<name>`; undefined when there is none. */
  async datasetOfVersion(versionId: string): Promise<{ id: string; name: string } | undefined> {
    const version = await findVersion(this.store.db, versionId);
    return version && { id: version.datasetId, name: `${version.namespace}:${version.name}` };
  }

  /**
   * The dataset a `<namespace>:<name>` (or a namespace and a name given apart) names. Namespaces are often URIs with
   * colons of their own, so each split is tried, the longest namespace first.
   */
  async datasetNamed(name: string, namespace?: string): Promise<{ id: string; name: string } | undefined> {
    const pairs =
      namespace === undefined ? (parseMarquezName(`dataset:${name}`)?.candidates ?? []) : [{ namespace, name }];
    const [found] = await findDatasetsNamed(this.store.db, pairs);
    return found && { id: found.dataset_id, name: `${found.namespace}:${found.name}` };
  }

  /** The experiment a run belongs to; undefined when there is no such run. */
  async experimentOfRun(runId: string): Promise<string | undefined> {
    return this.homeOf(`run\0${runId}`, async () => (await findRunRow(this.store.db, runId))?.experiment_id);
  }

  async experimentOfLoggedModel(modelId: string): Promise<string | undefined> {
    return this.homeOf(
      `logged-model\0${modelId}`,
      async () => (await findLoggedModelRow(this.store.db, modelId))?.experiment_id,
    );
  }

  private async homeOf(key: string, find: () => Promise<string | undefined>): Promise<string | undefined> {
    const known = this.homes.get(key);
    if (known !== undefined) return known;
    const found = await find();
    if (found !== undefined) this.homes.set(key, found);
    return found;
  }

  /** Roles on a registered model are bound to its id, so they survive a rename. */
  async modelIdOf(name: string): Promise<string | undefined> {
    return (await findModelRow(this.store.db, name))?.model_id;
  }

  async modelNameOfId(modelId: string): Promise<string | undefined> {
    return findModelNameById(this.store.db, modelId);
  }

  /** The registered model a transition request is about. */
  async modelOfTransitionRequest(requestId: string): Promise<{ id: string; name: string } | undefined> {
    const row = await findRequestRow(this.store.db, requestId);
    const name = row && (await findModelNameById(this.store.db, row.model_id));
    return row && name !== undefined ? { id: row.model_id, name } : undefined;
  }

  async experimentIdByName(name: string): Promise<string | undefined> {
    return (await findExperimentRowByName(this.store.db, name))?.experiment_id;
  }

  async experimentOfArtifactPath(path: string): Promise<string | undefined> {
    return experimentOwningPath(this.store.db, path);
  }
}
