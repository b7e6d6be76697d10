import { Link } from 'react-router-dom';
import { governanceApi, governanceKeys } from '../../api/governance-client.js';
import type { ModelVersion } from '../../api/types.js';
import { ErrorMessage, Loading } from '../../components/states.js';
import { useApiQuery } from '../../lib/use-api-query.js';
import { useScrollToHash } from '../../lib/use-scroll-to-hash.js';
import { versionSectionId } from '../registry/registry-paths.js';
import { PolicyResults } from './PolicyResults.js';

/** The version page's policy results: for each protected stage and alias of its model, would this version pass? */
export function VersionPolicies({ version: v }: { version: ModelVersion }) {
  const protection = useApiQuery(governanceKeys.protection(v.name), (signal) =>
    governanceApi.protection(v.name, signal),
  );
  const id = versionSectionId('policies');
  const targeted = useScrollToHash(id, Boolean(protection.data));
  return (
    <section id={id} className={targeted ? 'evidence-target' : undefined} data-testid="version-policies">
      <h2>Promotion policies</h2>
      {protection.error ? (
        <ErrorMessage error={protection.error} onRetry={protection.reload} />
      ) : !protection.data ? (
        <Loading label="Loading protection…" />
      ) : protection.data.stages.length + protection.data.aliases.length === 0 ? (
        <p className="muted">No stage or alias of {v.name} is protected.</p>
      ) : (
        <>
          <p className="muted small">
            Protected: moving onto these needs {protection.data.approvals} approval(s) (
            {protection.data.source === 'model' ? "the model's rule" : "the server's default"}).{' '}
            <Link to="/requests">Pending requests</Link>
          </p>
          {protection.data.stages.map((stage) => (
            <PolicyResults key={`stage:${stage}`} name={v.name} version={v.version} target={{ stage }} />
          ))}
          {protection.data.aliases.map((alias) => (
            <PolicyResults key={`alias:${alias}`} name={v.name} version={v.version} target={{ alias }} />
          ))}
        </>
      )}
    </section>
  );
}
