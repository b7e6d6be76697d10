import { type DeclaredDependency, dependencyKey } from './declared-dependency.js';

/** Two or more declarations of one package that say different things. */
export interface DeclarationConflict {
  kind: DeclaredDependency['kind'];
  package: string;
  declarations: { specifier: string; source: DeclaredDependency['source'] }[];
}

/**
 * Declarations of one package with different specifiers (requirements.txt pins numpy==1.26.4, conda.yaml says
 * numpy=1.24) are shown side by side. All of them stay in force — a check applies each — so nothing is merged
 * silently and nothing is dropped.
 */
export function declarationConflicts(declared: readonly DeclaredDependency[]): DeclarationConflict[] {
  const groups = new Map<string, DeclaredDependency[]>();
  for (const d of declared) {
    if (d.marker !== undefined) continue;
    const key = dependencyKey(d);
    groups.set(key, [...(groups.get(key) ?? []), d]);
  }
  const conflicts: DeclarationConflict[] = [];
  for (const group of groups.values()) {
    const specifiers = new Set(group.map((d) => d.specifier).filter((s) => s !== ''));
    if (specifiers.size < 2) continue;
    const first = group[0] as DeclaredDependency;
    conflicts.push({
      kind: first.kind,
      package: first.name,
      declarations: group.map((d) => ({ specifier: d.specifier, source: d.source })),
    });
  }
  return conflicts;
}
