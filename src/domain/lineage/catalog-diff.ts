import type { DatasetColumn } from './dataset-version.js';

export interface CatalogDataset {
  namespace: string;
  name: string;
  /** Columns of the newest version known; null when the source never described a schema. */
  columns: DatasetColumn[] | null;
}

export interface SchemaDifference {
  namespace: string;
  name: string;
  added: string[];
  removed: string[];
  retyped: { column: string; mnemo: string | null; catalog: string | null }[];
}

export interface CatalogDiff {
  onlyInMnemo: { namespace: string; name: string }[];
  onlyInCatalog: { namespace: string; name: string }[];
  schemaDiffers: SchemaDifference[];
  matching: number;
}

/**
 * Compares the datasets Mnemo knows with those another catalog exported. Columns are compared only when both sides
 * described a schema; "added" means present in the catalog but not in Mnemo.
 */
export function diffCatalogs(mnemo: readonly CatalogDataset[], catalog: readonly CatalogDataset[]): CatalogDiff {
  const key = (d: { namespace: string; name: string }) => JSON.stringify([d.namespace, d.name]);
  const ours = new Map(mnemo.map((d) => [key(d), d]));
  const theirs = new Map(catalog.map((d) => [key(d), d]));
  const diff: CatalogDiff = { onlyInMnemo: [], onlyInCatalog: [], schemaDiffers: [], matching: 0 };
  for (const [k, d] of ours) if (!theirs.has(k)) diff.onlyInMnemo.push({ namespace: d.namespace, name: d.name });
  for (const [k, d] of theirs) {
    const mine = ours.get(k);
    if (!mine) {
      diff.onlyInCatalog.push({ namespace: d.namespace, name: d.name });
      continue;
    }
    const difference = compareColumns(mine, d);
    if (difference) diff.schemaDiffers.push(difference);
    else diff.matching += 1;
  }
  const order = (a: { namespace: string; name: string }, b: { namespace: string; name: string }) =>
    key(a) < key(b) ? -1 : 1;
  diff.onlyInMnemo.sort(order);
  diff.onlyInCatalog.sort(order);
  diff.schemaDiffers.sort(order);
  return diff;
}

function compareColumns(mnemo: CatalogDataset, catalog: CatalogDataset): SchemaDifference | null {
  if (mnemo.columns === null || catalog.columns === null) return null;
  const ours = new Map(mnemo.columns.map((c) => [c.name, c.type]));
  const theirs = new Map(catalog.columns.map((c) => [c.name, c.type]));
  const added = [...theirs.keys()].filter((c) => !ours.has(c));
  const removed = [...ours.keys()].filter((c) => !theirs.has(c));
  const retyped = [...theirs]
    .filter(([c, type]) => ours.has(c) && (ours.get(c) ?? null)?.toLowerCase() !== type?.toLowerCase())
    .map(([column, type]) => ({ column, mnemo: ours.get(column) ?? null, catalog: type }));
  if (added.length + removed.length + retyped.length === 0) return null;
  return { namespace: mnemo.namespace, name: mnemo.name, added, removed, retyped };
}
