/** The page of a dataset, named as everywhere in the API: `<namespace>:<name>` (a namespace may be a URI). */
export function datasetPath(namespace: string, name: string): string {
  return `/datasets/${encodeURIComponent(`${namespace}:${name}`)}`;
}
