import type { DeclaredDependencies, RunEnvironmentSource } from '../../domain/dependencies/declared-dependency.js';
import { providedEnvironment } from '../../domain/dependencies/provided-environment.js';
import { withRunEnvironment } from '../../domain/dependencies/run-environment-declarations.js';
import type { EnvironmentSpec } from '../../domain/lineage/environment.js';
import { nodeId } from '../../domain/lineage/node-id.js';
import * as declared from '../../store/repositories/dependencies/declared-dependency-repository.js';
import { edgesTouching } from '../../store/repositories/lineage/edge-repository.js';
import * as entities from '../../store/repositories/lineage/entity-repository.js';
import type { Executor } from '../../store/store.js';
import type { WriteScope } from '../unit-of-work.js';
import { type DeclarationOrigin, type StoredDeclarations, saveDeclaredDocument } from './dependency-service.js';

const ENVIRONMENT_NODE = 'environment:';

/** The environment a run captured: the one linked to it last (`environment —depends_on→ run`), if any. */
export async function runEnvironmentOf(
  db: Executor,
  runId: string,
): Promise<{ environmentId: string; spec: EnvironmentSpec } | null> {
  const edges = (await edgesTouching(db, [nodeId('run', runId)], 'to', ['depends_on']))
    .filter((e) => e.from.startsWith(ENVIRONMENT_NODE))
    .sort((a, b) => b.createdTime - a.createdTime || (a.from < b.from ? -1 : 1));
  const latest = edges[0];
  if (!latest) return null;
  const environmentId = latest.from.slice(ENVIRONMENT_NODE.length);
  const row = await entities.findEnvironment(db, environmentId);
  return row ? { environmentId, spec: JSON.parse(row.document) as EnvironmentSpec } : null;
}

/**
 * What a version registered from a run declares: its files' declarations with what the run's captured environment
 * adds (see withRunEnvironment). Null when neither says anything.
 */
export async function registrationDeclarations(
  db: Executor,
  runId: string | null,
  fromFiles: DeclaredDependencies | null,
): Promise<{ document: StoredDeclarations; origin: DeclarationOrigin } | null> {
  const environment = runId === null ? null : await runEnvironmentOf(db, runId);
  if (!environment || runId === null) return fromFiles ? { document: normalised(fromFiles), origin: 'files' } : null;
  const document = withRunEnvironment(
    fromFiles ?? { dependencies: [], skipped: [] },
    providedEnvironment(environment.spec),
    runEnvironmentSource(runId, environment.environmentId),
  );
  return { document: normalised(document), origin: fromFiles ? 'files' : 'run_environment' };
}

/**
 * An environment linked to a run after versions were registered from it is picked up then: each such version's
 * declarations are rebuilt from its files' declarations and the newly linked environment, in the link's
 * transaction. Declarations set through the API are the owner's word and are left alone.
 */
export async function applyLinkedRunEnvironment(
  scope: Pick<WriteScope, 'db' | 'audit'>,
  link: { runId: string; environmentId: string; spec: EnvironmentSpec },
  now: number,
): Promise<void> {
  const source = runEnvironmentSource(link.runId, link.environmentId);
  const environment = providedEnvironment(link.spec);
  for (const row of await declared.listVersionsOfRun(scope.db, link.runId)) {
    if (row.origin === 'api') continue;
    const stored: DeclaredDependencies = row.document
      ? (JSON.parse(row.document) as DeclaredDependencies)
      : { dependencies: [], skipped: [] };
    const document = normalised(withRunEnvironment(stored, environment, source));
    if (row.document !== null && JSON.stringify(document) === JSON.stringify(normalised(stored))) continue;
    const origin: DeclarationOrigin = row.origin === 'files' ? 'files' : 'run_environment';
    await saveDeclaredDocument(scope, row.model_id, Number(row.version), document, origin, now);
  }
}

const runEnvironmentSource = (runId: string, environmentId: string): RunEnvironmentSource => ({
  file: 'run_environment',
  line: 0,
  column: 0,
  runId,
  environmentId,
});

/** The document as stored, so that an unchanged one is recognised and not saved (nor audited) again. */
const normalised = (d: DeclaredDependencies): StoredDeclarations => ({
  dependencies: d.dependencies,
  skipped: d.skipped,
  allowPrereleases: d.allowPrereleases ?? false,
  ...(d.notApplied ? { notApplied: d.notApplied } : {}),
});
