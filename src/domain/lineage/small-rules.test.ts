import { describe, expect, it } from 'vitest';
import { diffCatalogs } from './catalog-diff.js';
import { compareDigest, directoryDigest } from './content-digest.js';
import { depthLimit, MAX_DEPTH } from './depth.js';
import { checkEdge, parseEdgeTypes } from './edge-types.js';
import { parseNodeId } from './node-id.js';

describe('node ids and edge rules', () => {
  it('splits node ids at the first colon and refuses unknown kinds', () => {
    expect(parseNodeId('environment:sha256:abc')).toEqual({ kind: 'environment', entityId: 'sha256:abc' });
    expect(() => parseNodeId('planet:earth')).toThrow(/kind one of/);
    expect(() => parseNodeId('run:')).toThrow();
  });

  it('allows each edge type only between the kinds it relates', () => {
    expect(() => checkEdge('consumed', 'dataset_version', 'run')).not.toThrow();
    expect(() => checkEdge('consumed', 'run', 'dataset_version')).toThrow(/run → dataset_version/);
    expect(() => checkEdge('deployed_to', 'model_version', 'deployment')).not.toThrow();
    // A reproduction derives from the run it reproduces; one run does not consume another.
    expect(() => checkEdge('derived_from', 'run', 'run')).not.toThrow();
    expect(() => checkEdge('consumed', 'run', 'run')).toThrow();
    expect(parseEdgeTypes('consumed, produced,consumed')).toEqual(['consumed', 'produced']);
    expect(() => parseEdgeTypes('consumed,flows')).toThrow(/flows/);
  });
});

describe('depth limits', () => {
  it('applies the cap and says when it did', () => {
    expect(depthLimit('500')).toEqual({ requested: 500, applied: MAX_DEPTH, cap: MAX_DEPTH, capped: true });
    expect(depthLimit(undefined)).toEqual({ requested: 10, applied: 10, cap: MAX_DEPTH, capped: false });
    expect(() => depthLimit('0')).toThrow(/positive integer/);
    expect(() => depthLimit('2.5')).toThrow(/positive integer/);
  });
});

describe('content digests', () => {
  it('hashes a directory independently of listing order, and compares only sha256 digests', () => {
    const files = [
      { path: 'b.txt', sha256: '2'.repeat(64) },
      { path: 'a.txt', sha256: '1'.repeat(64) },
    ];
    expect(directoryDigest(files)).toBe(directoryDigest([...files].reverse()));
    expect(directoryDigest(files)).not.toBe(directoryDigest([{ ...files[0]!, path: 'c.txt' }, files[1]!]));
    expect(compareDigest('f'.repeat(64), `sha256:${'f'.repeat(64)}`)).toBe('unchanged');
    expect(compareDigest(`sha256:${'f'.repeat(64)}`, `sha256:${'e'.repeat(64)}`)).toBe('modified');
    expect(compareDigest('d41d8cd9', `sha256:${'e'.repeat(64)}`)).toBe('unverifiable');
  });
});

describe('diffCatalogs', () => {
  it('lists datasets on one side only and schema differences, ignoring type case', () => {
    const diff = diffCatalogs(
      [
        { namespace: 'n', name: 'same', columns: [{ name: 'id', type: 'INT', description: null }] },
        { namespace: 'n', name: 'ours', columns: null },
        { namespace: 'n', name: 'changed', columns: [{ name: 'a', type: 'int', description: null }] },
      ],
      [
        { namespace: 'n', name: 'same', columns: [{ name: 'id', type: 'int', description: null }] },
        { namespace: 'n', name: 'theirs', columns: null },
        { namespace: 'n', name: 'changed', columns: [{ name: 'b', type: 'int', description: null }] },
      ],
    );
    expect(diff).toEqual({
      onlyInMnemo: [{ namespace: 'n', name: 'ours' }],
      onlyInCatalog: [{ namespace: 'n', name: 'theirs' }],
      schemaDiffers: [{ namespace: 'n', name: 'changed', added: ['b'], removed: ['a'], retyped: [] }],
      matching: 1,
    });
  });
});
