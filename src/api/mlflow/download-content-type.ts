/**
 * The content type an artifact is served with. Anything a browser could run (HTML, SVG, JavaScript) goes out as
 * text/plain, and with `nosniff` set by the caller, so an uploaded file can never execute in the UI's origin.
 */
const BY_EXTENSION: Record<string, string> = {
  txt: 'text/plain',
  log: 'text/plain',
  md: 'text/plain',
  csv: 'text/plain',
  tsv: 'text/plain',
  yaml: 'text/plain',
  yml: 'text/plain',
  py: 'text/plain',
  html: 'text/plain',
  htm: 'text/plain',
  svg: 'text/plain',
  js: 'text/plain',
  json: 'application/json',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  pdf: 'application/pdf',
};

/**
 * `asMlflowProxy`: the MLflow 3 artifact proxy serves JSON files (a model's input example) as text/plain, and
 * clients reading them through it see the same here.
 */
export function downloadContentType(path: string, options: { asMlflowProxy?: boolean } = {}): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
  if (name === 'MLmodel') return 'text/plain';
  if (options.asMlflowProxy && extension === 'json') return 'text/plain';
  return BY_EXTENSION[extension] ?? 'application/octet-stream';
}
