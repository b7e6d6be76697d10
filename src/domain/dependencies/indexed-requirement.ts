import type { DeclaredDependency } from './declared-dependency.js';

/** The kinds a what-if change can name (a package or the Python / CUDA runtime), hence the kinds indexed by name. */
const CHANGEABLE_KINDS = new Set<DeclaredDependency['kind']>(['pypi', 'npm', 'runtime']);

/**
 * One declaration of a version as the index by package holds it: enough to check it against a changed version,
 * and its position among the version's declarations so that answers keep the order the document gives.
 */
export interface IndexedRequirement {
  position: number;
  kind: 'pypi' | 'npm' | 'runtime';
  /** Normalised as the declaration holds it (PEP 503 for pypi). */
  name: string;
  specifier: string;
  marker: string | null;
}

/**
 * What the index by package holds for a version's declarations: those of a package or runtime, which a what-if
 * question can change. It is derived from the declarations alone and rewritten with them, never edited apart.
 */
export function indexedRequirements(dependencies: readonly DeclaredDependency[]): IndexedRequirement[] {
  const rows: IndexedRequirement[] = [];
  dependencies.forEach((d, position) => {
    if (!CHANGEABLE_KINDS.has(d.kind)) return;
    rows.push({
      position,
      kind: d.kind as IndexedRequirement['kind'],
      name: d.name,
      specifier: d.specifier,
      marker: d.marker ?? null,
    });
  });
  return rows;
}
