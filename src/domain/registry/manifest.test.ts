import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { manifestDigest } from './manifest.js';

const entry = (path: string, content: string) => ({
  path,
  size: content.length,
  sha256: createHash('sha256').update(content).digest('hex'),
});

describe('manifest digest', () => {
  const files = [entry('model.pkl', 'weights'), entry('conf/params.json', '{}')];

  it('is sha256 over the canonical JSON of the path-sorted manifest, whatever the input order', () => {
    const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : 1));
    const canonical = `[${sorted.map((f) => `{"path":"${f.path}","sha256":"${f.sha256}","size":${f.size}}`).join(',')}]`;
    expect(manifestDigest(files)).toBe(createHash('sha256').update(canonical).digest('hex'));
    expect(manifestDigest([...files].reverse())).toBe(manifestDigest(files));
  });

  it('changes when any file changes, is renamed, added or removed', () => {
    const base = manifestDigest(files);
    expect(manifestDigest([entry('model.pkl', 'weightz'), files[1]!])).not.toBe(base);
    expect(manifestDigest([entry('model2.pkl', 'weights'), files[1]!])).not.toBe(base);
    expect(manifestDigest([...files, entry('README', '')])).not.toBe(base);
    expect(manifestDigest([files[0]!])).not.toBe(base);
  });
});
