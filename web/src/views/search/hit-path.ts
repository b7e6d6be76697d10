import type { SearchHit } from '../../api/types.js';
import { lineagePath } from '../../lib/lineage/lineage-path.js';
import { modelPath, versionPagePath } from '../registry/registry-paths.js';

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/**
 * The page a result opens: the registry's model and version pages, the experiment and run pages, and the lineage
 * graph for datasets, features and deployments (which have no page of their own). Null when the result does not
 * carry what its page needs.
 */
export function hitPath(hit: SearchHit): string | null {
  const s = hit.summary;
  switch (hit.type) {
    case 'model':
      return modelPath(hit.name);
    case 'model_version': {
      const model = text(s.model);
      return model && typeof s.version === 'number' ? versionPagePath(model, s.version) : null;
    }
    case 'experiment':
      return `/experiments/${encodeURIComponent(hit.id)}`;
    case 'run': {
      const experimentId = text(s.experimentId);
      return experimentId
        ? `/experiments/${encodeURIComponent(experimentId)}/runs/${encodeURIComponent(hit.id)}`
        : null;
    }
    case 'dataset': {
      // Marquez's `dataset:<namespace>:<name>` names the dataset's newest version.
      const namespace = text(s.namespace);
      return lineagePath(namespace ? `dataset:${namespace}:${hit.name}` : `dataset:${hit.name}`);
    }
    case 'dataset_version':
      return lineagePath(`dataset_version:${hit.id}`);
    case 'feature': {
      const versions = Array.isArray(s.versions) ? s.versions.map(String) : [];
      const newest = versions.at(-1);
      return newest ? lineagePath(`feature_version:${hit.name}@${newest}`) : null;
    }
    case 'deployment':
      return lineagePath(`deployment:${hit.id}`);
  }
}
