import { describe, expect, it } from 'vitest';
import type { FlagMentions } from './revalidation-redaction.js';
import { hiddenPlaceholder, redactFlagMentions } from './revalidation-redaction.js';

const flag: FlagMentions = {
  cause: {
    kind: 'new_dataset_version',
    upstreamNodeId: 'dataset_version:d2',
    upstreamLabel: 'secret-claims v2',
    replacedNodeId: 'dataset_version:d1',
    description: 'Dataset version secret-claims v2 replaces secret-claims v1, which the version was trained on',
  },
  path: [
    { from: 'dataset_version:d1', to: 'dataset_version:d1b', type: 'derived_from', runId: 'r0' },
    { from: 'dataset_version:d1b', to: 'run:r1', type: 'consumed', runId: 'r1' },
    { from: 'run:r1', to: 'model_version:m/1', type: 'produced', runId: 'r1' },
  ],
};

describe('redactFlagMentions', () => {
  it('leaves a flag whose nodes are all readable as it is', () => {
    expect(redactFlagMentions(flag, () => false)).toEqual(flag);
  });

  it('names hidden datasets by placeholder, leaves out steps between hidden nodes and the hidden sentence', () => {
    const hidden = new Set(['dataset_version:d1', 'dataset_version:d1b', 'dataset_version:d2']);
    const shown = redactFlagMentions(flag, (id) => hidden.has(id));
    expect(shown.cause).toEqual({
      kind: 'new_dataset_version',
      upstreamNodeId: 'a hidden dataset',
      upstreamLabel: 'a hidden dataset',
      replacedNodeId: 'a hidden dataset',
      description: 'A new version of a hidden dataset replaces the one the version was trained on',
    });
    expect(shown.path).toEqual([
      { from: 'a hidden dataset', to: 'run:r1', type: 'consumed', runId: 'r1' },
      { from: 'run:r1', to: 'model_version:m/1', type: 'produced', runId: 'r1' },
    ]);
    expect(JSON.stringify(shown)).not.toContain('secret-claims');
    expect(JSON.stringify(shown)).not.toContain('d1');
  });

  it('hides the run that made an edge, and keeps a sentence whose nodes are readable', () => {
    const shown = redactFlagMentions(flag, (id) => id === 'run:r1' || id === 'dataset_version:d1b');
    expect(shown.cause).toEqual(flag.cause);
    expect(shown.path).toEqual([
      { from: 'dataset_version:d1', to: 'a hidden dataset', type: 'derived_from', runId: 'r0' },
      { from: 'a hidden run', to: 'model_version:m/1', type: 'produced', runId: null },
    ]);
  });

  it('names each kind by a neutral word', () => {
    expect(['run:x', 'feature_version:f', 'logged_model:l', 'environment:e'].map(hiddenPlaceholder)).toEqual([
      'a hidden run',
      'a hidden feature',
      'a hidden logged model',
      'a hidden lineage node',
    ]);
  });
});
