import { describe, expect, it } from 'vitest';
import { createdDocumentIds } from './created-documents.js';

describe('createdDocumentIds', () => {
  it('names the documents created, once each, in the order first created', () => {
    expect(
      createdDocumentIds([
        { action: 'registered_model.create', entityKind: 'registered_model', entityId: 'm1' },
        { action: 'run.create', entityKind: 'run', entityId: 'r1' },
        { action: 'lineage.dataset_version.create', entityKind: 'dataset_version', entityId: 'd1/v1' },
        { action: 'run.create', entityKind: 'run', entityId: 'r1' },
        { action: 'model_version.create', entityKind: 'model_version', entityId: 'm1/1' },
      ]),
    ).toEqual(['model:m1', 'run:r1', 'dataset_version:d1/v1', 'model_version:m1/1']);
  });

  it('leaves out changes, removals and entities search does not show', () => {
    expect(
      createdDocumentIds([
        { action: 'run.log_batch', entityKind: 'run', entityId: 'r1' },
        { action: 'registered_model.rename', entityKind: 'registered_model', entityId: 'm1' },
        { action: 'experiment.purge', entityKind: 'experiment', entityId: 'e1' },
        { action: 'saved_search.create', entityKind: 'saved_search', entityId: 's1' },
        { action: 'lineage.edge.create', entityKind: 'lineage_edge', entityId: 'x' },
      ]),
    ).toEqual([]);
  });
});
