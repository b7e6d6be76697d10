/**
 * The data a run recorded through `mnemo run --input/--output`: tags `mnemo.input.<i>` and `mnemo.output.<i>`, each
 * `<uri>@<digest>` (a `file://` URL or an `s3://` URI, and `sha256:<hex>`).
 */
export interface RecordedData {
  role: 'input' | 'output';
  uri: string;
  digest: string;
}

const DATA_TAG = /^mnemo\.(input|output)\.(\d+)$/;

/** The inputs and outputs named in a run's tags, inputs first, each in the order they were given. */
export function recordedData(tags: Record<string, string>): RecordedData[] {
  const found: (RecordedData & { index: number })[] = [];
  for (const [key, value] of Object.entries(tags)) {
    const match = DATA_TAG.exec(key);
    // The digest never holds an `@`; a URI may (an S3 key can), so the last one separates them.
    const at = value.lastIndexOf('@');
    if (!match || at <= 0) continue;
    found.push({
      role: match[1] as RecordedData['role'],
      index: Number(match[2]),
      uri: value.slice(0, at),
      digest: value.slice(at + 1),
    });
  }
  return found
    .sort((a, b) => (a.role === b.role ? a.index - b.index : a.role === 'input' ? -1 : 1))
    .map(({ role, uri, digest }) => ({ role, uri, digest }));
}
