import type { PackageChange, WhatIfDeclaration } from '../../domain/dependencies/what-if.js';
import { listRequirementsOf } from '../../store/repositories/dependencies/declared-dependency-repository.js';
import type { Executor } from '../../store/store.js';

/** The declarations a what-if question can find broken, per model version node, with each version's name. */
export interface ChangedDeclarations {
  declarations: Map<string, WhatIfDeclaration[]>;
  names: Map<string, { model: string; version: number }>;
}

/**
 * What the versions of these models declare about the changed packages and runtimes, read from the index by
 * package: only those declarations can break, and reading them alone spares parsing every version's whole document
 * (what made a what-if over ten thousand versions slow).
 */
export async function changedDeclarations(
  db: Executor,
  modelIds: readonly string[],
  changes: readonly PackageChange[],
): Promise<ChangedDeclarations> {
  const declarations = new Map<string, WhatIfDeclaration[]>();
  const names = new Map<string, { model: string; version: number }>();
  const packages = changes.map((c) => ({ kind: c.kind, name: c.name }));
  for (const row of await listRequirementsOf(db, modelIds, packages)) {
    const node = `model_version:${row.model_id}/${row.version}`;
    const list = declarations.get(node) ?? [];
    list.push({
      kind: row.kind,
      name: row.name,
      specifier: row.specifier,
      ...(row.marker !== null ? { marker: row.marker } : {}),
    });
    declarations.set(node, list);
    names.set(node, { model: row.model_name, version: row.version });
  }
  return { declarations, names };
}
