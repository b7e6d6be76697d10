import { describe, expect, it } from 'vitest';
import { serverProvUrl } from './lineage-client.js';

describe('serverProvUrl', () => {
  it('links a model version node to the server’s PROV-JSON of it, and nothing else', () => {
    expect(serverProvUrl('model_version:abc123/4')).toBe('/api/v1/lineage/model-versions/abc123/4/prov');
    // Model names may hold slashes: the version is what follows the last one.
    expect(serverProvUrl('model_version:team/fraud/12')).toBe('/api/v1/lineage/model-versions/team%2Ffraud/12/prov');
    expect(serverProvUrl('run:abc')).toBeNull();
    expect(serverProvUrl('model_version:abc')).toBeNull();
  });
});
