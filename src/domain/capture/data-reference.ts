import { invalid } from '../errors.js';

/** What `--input`/`--output` name: a path on this machine or an object (or prefix) in S3. */
export type DataReference = { kind: 'local'; path: string } | { kind: 's3'; uri: string; bucket: string; key: string };

/**
 * Reads a `--input`/`--output` value. `s3://` and `s3a://` name S3; `file://` and plain paths name local files
 * (relative paths resolved by the caller); other schemes are refused, since their data cannot be hashed here.
 */
export function parseDataReference(value: string, resolvePath: (path: string) => string): DataReference {
  const text = value.trim();
  if (text === '') throw invalid('--input and --output need a path or URI');
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1]?.toLowerCase();
  if (scheme === 's3' || scheme === 's3a') {
    const rest = text.slice(scheme.length + 3);
    const slash = rest.indexOf('/');
    const bucket = slash < 0 ? rest : rest.slice(0, slash);
    const key = slash < 0 ? '' : rest.slice(slash + 1).replace(/\/+$/, '');
    if (bucket === '') throw invalid(`'${value}' names no bucket`);
    return { kind: 's3', uri: `s3://${bucket}${key === '' ? '' : `/${key}`}`, bucket, key };
  }
  if (scheme === 'file') return { kind: 'local', path: resolvePath(decodeURIComponent(new URL(text).pathname)) };
  if (scheme) throw invalid(`'${value}': only local paths, file:// and s3:// can be hashed; ${scheme}:// cannot`);
  return { kind: 'local', path: resolvePath(text) };
}

/**
 * The dataset a reference is a version of, named as OpenLineage names files and objects (namespace `file` and the
 * absolute path; namespace `s3://<bucket>` and the key), so runs and OpenLineage events land on the same datasets.
 */
export function datasetName(ref: DataReference): { namespace: string; name: string } {
  if (ref.kind === 'local') return { namespace: 'file', name: ref.path };
  return { namespace: `s3://${ref.bucket}`, name: ref.key === '' ? '/' : ref.key };
}

/** A version key derived from the content, so the same bytes get the same version name. */
export function versionKey(digest: string): string {
  return digest.replace(/^sha256:/, '').slice(0, 12);
}
