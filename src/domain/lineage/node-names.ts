/**
 * The names people and other tools give lineage nodes, besides Mnemo's own `<kind>:<entity id>`:
 *
 * - `model_version:<model name>/<version>`, `feature_version:<feature name>@<version>` and
 *   `deployment_target:<target name>`: the names the registry and the labels show;
 * - Marquez's `dataset:<namespace>:<name>` and `job:<namespace>:<name>`, as OpenLineage clients send them.
 *
 * Only the parsing lives here; which stored entity a name means is looked up by the lineage services.
 */

export type MarquezKind = 'dataset' | 'job';

export interface MarquezName {
  kind: MarquezKind;
  /** Every way to split the rest at a colon into a non-empty namespace and name, the longest namespace first. */
  candidates: { namespace: string; name: string }[];
}

/**
 * A Marquez node name, or undefined when `id` is not one. Namespaces are often URIs with colons of their own
 * (`postgres://db:5432`, `s3://bucket`), and OpenLineage names may hold colons too, so the split is not decided
 * here: each candidate is tried against the stored namespace and name pairs.
 */
export function parseMarquezName(id: string): MarquezName | undefined {
  const colon = id.indexOf(':');
  const kind = id.slice(0, colon);
  if (colon < 0 || (kind !== 'dataset' && kind !== 'job')) return undefined;
  const rest = id.slice(colon + 1);
  const candidates: MarquezName['candidates'] = [];
  for (let at = rest.lastIndexOf(':'); at > 0; at = rest.lastIndexOf(':', at - 1)) {
    const namespace = rest.slice(0, at);
    const name = rest.slice(at + 1);
    if (name !== '') candidates.push({ namespace, name });
  }
  return { kind, candidates };
}

/** `<model>/<version>` split at its last slash (model names may hold slashes), or undefined without a version. */
export function splitModelVersion(entityId: string): { model: string; version: number } | undefined {
  const slash = entityId.lastIndexOf('/');
  const version = entityId.slice(slash + 1);
  if (slash <= 0 || !/^[1-9][0-9]{0,8}$/.test(version)) return undefined;
  return { model: entityId.slice(0, slash), version: Number(version) };
}

/** `<feature>@<version>` split at its last `@`, or undefined when there is none. */
export function splitFeatureVersion(entityId: string): { feature: string; version: string } | undefined {
  const at = entityId.lastIndexOf('@');
  if (at <= 0 || at === entityId.length - 1) return undefined;
  return { feature: entityId.slice(0, at), version: entityId.slice(at + 1) };
}
