/** How an artifact can be previewed, decided from its name. */
export type PreviewKind = 'image' | 'json' | 'csv' | 'tsv' | 'text' | 'none';

const IMAGE_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  svg: 'image/svg+xml',
  bmp: 'image/bmp',
};

const TEXT_EXTENSIONS = new Set(
  'txt log md markdown yaml yml toml ini cfg conf py js ts tsx sh r sql java scala go rs c h cpp hpp ipynb xml html css requirements lock properties env gitignore dockerfile mlmodel'.split(
    ' ',
  ),
);

export function extensionOf(path: string): string {
  const name = path.split('/').pop() ?? '';
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? name.toLowerCase() : name.slice(dot + 1).toLowerCase();
}

export function previewKind(path: string): PreviewKind {
  const ext = extensionOf(path);
  if (ext in IMAGE_TYPES) return 'image';
  if (ext === 'json' || ext === 'jsonl') return 'json';
  if (ext === 'csv') return 'csv';
  if (ext === 'tsv') return 'tsv';
  if (TEXT_EXTENSIONS.has(ext) || ext === 'mlmodel' || ext === 'conda' || ext === 'license') return 'text';
  return 'none';
}

export const imageType = (path: string) => IMAGE_TYPES[extensionOf(path)] ?? 'application/octet-stream';

/** Files above this are offered for download only; a preview would stall the page. */
export const PREVIEW_LIMIT_BYTES = 2 * 1024 * 1024;
