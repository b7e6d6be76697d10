import { type PackageChange, specifiersBrokenBy, type WhatIfDeclaration } from '../../domain/dependencies/what-if.js';
import {
  listUnconditionalRequirements,
  listUnconditionalSpecifiers,
  modelNames,
} from '../../store/repositories/dependencies/declared-dependency-repository.js';
import type { Executor } from '../../store/store.js';

/** The declarations a what-if question can find broken, per model version node, with each version's name. */
export interface ChangedDeclarations {
  declarations: Map<string, WhatIfDeclaration[]>;
  names: Map<string, { model: string; version: number }>;
}

/**
 * What the versions of these models declare about the changed packages and runtimes that the new versions would
 * not meet, read from the index by package: a declaration of another package, one under an environment marker, or
 * one the new version meets cannot break, so only the others are read (and in their version's order). The few
 * distinct specifiers are checked first; a what-if over ten thousand versions then reads the breaking rows alone
 * instead of parsing every version's whole document.
 */
export async function changedDeclarations(
  db: Executor,
  modelIds: readonly string[],
  changes: readonly PackageChange[],
): Promise<ChangedDeclarations> {
  // A declaration is checked against the first change naming its package, as whatIf does.
  const firstChanges = new Map<string, PackageChange>();
  for (const c of changes) if (!firstChanges.has(`${c.kind}:${c.name}`)) firstChanges.set(`${c.kind}:${c.name}`, c);
  const found: { node: string; modelId: string; version: number; position: number; declaration: WhatIfDeclaration }[] =
    [];
  for (const change of firstChanges.values()) {
    const broken = specifiersBrokenBy(change, await listUnconditionalSpecifiers(db, change.kind, change.name));
    const rows = await listUnconditionalRequirements(db, modelIds, { ...change, specifiers: broken });
    for (const row of rows) {
      found.push({
        node: `model_version:${row.model_id}/${row.version}`,
        modelId: row.model_id,
        version: row.version,
        position: row.position,
        declaration: { kind: change.kind, name: change.name, specifier: row.specifier },
      });
    }
  }
  found.sort((a, b) => a.position - b.position);
  const models = await modelNames(db, [...new Set(found.map((f) => f.modelId))]);
  const declarations = new Map<string, WhatIfDeclaration[]>();
  const names = new Map<string, { model: string; version: number }>();
  for (const f of found) {
    const model = models.get(f.modelId);
    if (model === undefined) continue;
    const list = declarations.get(f.node) ?? [];
    list.push(f.declaration);
    declarations.set(f.node, list);
    names.set(f.node, { model, version: f.version });
  }
  return { declarations, names };
}
