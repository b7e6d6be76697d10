import { describe, expect, it } from 'vitest';
import { datasetName, parseDataReference, versionKey } from './data-reference.js';

const resolve = (p: string) => (p.startsWith('/') ? p : `/work/${p}`);

describe('parseDataReference', () => {
  it('reads local paths, file:// and s3:// URIs', () => {
    expect(parseDataReference('data/train.csv', resolve)).toEqual({ kind: 'local', path: '/work/data/train.csv' });
    expect(parseDataReference('file:///tmp/a%20b.csv', resolve)).toEqual({ kind: 'local', path: '/tmp/a b.csv' });
    expect(parseDataReference('s3a://lake/raw/orders/', resolve)).toEqual({
      kind: 's3',
      uri: 's3://lake/raw/orders',
      bucket: 'lake',
      key: 'raw/orders',
    });
  });

  it('refuses what cannot be hashed', () => {
    expect(() => parseDataReference('postgres://db/table', resolve)).toThrow(/cannot/);
    expect(() => parseDataReference('s3:///key', resolve)).toThrow(/bucket/);
    expect(() => parseDataReference(' ', resolve)).toThrow(/path or URI/);
  });
});

describe('datasetName and versionKey', () => {
  it('names datasets as OpenLineage does and versions by content', () => {
    expect(datasetName({ kind: 'local', path: '/d/x.csv' })).toEqual({ namespace: 'file', name: '/d/x.csv' });
    expect(datasetName({ kind: 's3', uri: 's3://b/k', bucket: 'b', key: 'k' })).toEqual({
      namespace: 's3://b',
      name: 'k',
    });
    expect(versionKey(`sha256:${'ab'.repeat(32)}`)).toBe('abababababab');
  });
});
