import { type FormEvent, useState } from 'react';
import { Link } from 'react-router-dom';
import { api, type PermissionTarget, type RestrictionTarget } from '../../api/client.js';
import { queryKeys } from '../../api/queries.js';
import type { RoleBinding, RoleName } from '../../api/types.js';
import { Empty, ErrorMessage, Loading } from '../../components/states.js';
import { useAction } from '../../lib/use-action.js';
import { useApiQuery } from '../../lib/use-api-query.js';

type SubjectKind = 'user' | 'team';
type ResourceKind = 'experiment' | 'model' | 'dataset' | 'global';
type RestrictableKind = Exclude<ResourceKind, 'global'>;

/** The request field naming a resource of a kind: experiments by id, models by name, datasets as namespace:name. */
function restrictionTarget(kind: RestrictableKind, id: string): RestrictionTarget {
  if (kind === 'experiment') return { experiment: id };
  return kind === 'model' ? { model: id.trim() } : { dataset: id.trim() };
}

/**
 * Who holds which role on what: grant a role to a user or team on an experiment, a registered model, a dataset or
 * everything, revoke one, and mark experiments, registered models and datasets restricted (seen only through roles
 * bound to them).
 */
export function PermissionsPage() {
  const bindings = useApiQuery(queryKeys.permissions(), (signal) => api.permissions(signal));
  const users = useApiQuery(queryKeys.users(), (signal) => api.users(signal));
  const teams = useApiQuery(queryKeys.teams(), (signal) => api.teams(signal));
  const experiments = useApiQuery(queryKeys.experimentList('access'), (signal) =>
    api.searchExperiments({ maxResults: 1000 }, signal),
  );
  const experimentName = new Map(experiments.data?.experiments.map((e) => [e.experimentId, e.name]) ?? []);
  const revoke = useAction((binding: RoleBinding) => api.revoke(targetOf(binding)), [queryKeys.permissions()]);

  const resourceLabel = (binding: RoleBinding) =>
    binding.resource.kind === 'global' ? (
      <em>everything</em>
    ) : binding.resource.kind === 'experiment' ? (
      <>
        experiment{' '}
        <Link to={`/experiments/${encodeURIComponent(binding.resource.id)}`}>
          {experimentName.get(binding.resource.id) ?? binding.resource.id}
        </Link>
      </>
    ) : (
      <>
        {binding.resource.kind === 'model' ? 'model' : 'dataset'} <strong>{binding.resource.id}</strong>
      </>
    );

  return (
    <section>
      <GrantForm
        users={users.data?.users.map((u) => u.name) ?? []}
        teams={teams.data?.teams.map((t) => t.name) ?? []}
        experiments={experiments.data?.experiments.map((e) => ({ id: e.experimentId, name: e.name })) ?? []}
      />
      {revoke.error && (
        <p className="form-error" role="alert">
          {revoke.error}
        </p>
      )}
      {bindings.error ? (
        <ErrorMessage error={bindings.error} onRetry={bindings.reload} />
      ) : !bindings.data ? (
        <Loading label="Loading permissions…" />
      ) : bindings.data.permissions.length === 0 ? (
        <Empty title="No roles granted yet">
          <p>Everyone signed in has the server's default role on what nobody restricted.</p>
        </Empty>
      ) : (
        <table className="data-table" data-testid="permissions-table">
          <thead>
            <tr>
              <th>Who</th>
              <th>Role</th>
              <th>On</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {bindings.data.permissions.map((binding) => (
              <tr
                key={`${binding.subject.kind}:${binding.subject.name}:${binding.resource.kind}:${binding.resource.id}`}
                data-binding={`${binding.subject.name} ${binding.role} ${binding.resource.kind} ${binding.resource.id}`}
              >
                <td>
                  {binding.subject.kind === 'team' ? 'team ' : ''}
                  <strong>{binding.subject.name}</strong>
                </td>
                <td>{binding.role}</td>
                <td>{resourceLabel(binding)}</td>
                <td>
                  <button type="button" disabled={revoke.busy} onClick={() => void revoke.run(binding)}>
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Restrictions
        experiments={experiments.data?.experiments.map((e) => ({ id: e.experimentId, name: e.name })) ?? []}
      />
    </section>
  );
}

function targetOf(binding: RoleBinding): PermissionTarget {
  const subject = binding.subject.kind === 'user' ? { user: binding.subject.name } : { team: binding.subject.name };
  const resource =
    binding.resource.kind === 'global'
      ? { global: true as const }
      : restrictionTarget(binding.resource.kind, binding.resource.id);
  return { ...subject, ...resource };
}

interface Named {
  id: string;
  name: string;
}

function GrantForm({ users, teams, experiments }: { users: string[]; teams: string[]; experiments: Named[] }) {
  const [role, setRole] = useState<RoleName>('reader');
  const [subjectKind, setSubjectKind] = useState<SubjectKind>('user');
  const [subject, setSubject] = useState('');
  const [resourceKind, setResourceKind] = useState<ResourceKind>('experiment');
  const [resource, setResource] = useState('');
  const grant = useAction(
    () =>
      api.grant({
        role,
        ...(subjectKind === 'user' ? { user: subject } : { team: subject }),
        ...(resourceKind === 'global' ? { global: true as const } : restrictionTarget(resourceKind, resource)),
      }),
    [queryKeys.permissions(), ['effective-role']],
  );
  const ready = subject !== '' && (resourceKind === 'global' || resource.trim() !== '');
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await grant.run();
  };
  return (
    <>
      <form className="admin-form" onSubmit={submit} aria-label="Grant a role">
        <span>Grant</span>
        <select aria-label="Role" value={role} onChange={(e) => setRole(e.target.value as RoleName)}>
          <option value="reader">reader</option>
          <option value="editor">editor</option>
          <option value="manager">manager</option>
        </select>
        <span>to</span>
        <select
          aria-label="Grant to"
          value={subjectKind}
          onChange={(e) => {
            setSubjectKind(e.target.value as SubjectKind);
            setSubject('');
          }}
        >
          <option value="user">user</option>
          <option value="team">team</option>
        </select>
        <select
          aria-label={subjectKind === 'user' ? 'User' : 'Team'}
          value={subject}
          onChange={(e) => setSubject(e.target.value)}
        >
          <option value="">choose…</option>
          {(subjectKind === 'user' ? users : teams).map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
        <span>on</span>
        <select
          aria-label="Resource kind"
          value={resourceKind}
          onChange={(e) => {
            setResourceKind(e.target.value as ResourceKind);
            setResource('');
          }}
        >
          <option value="experiment">experiment</option>
          <option value="model">registered model</option>
          <option value="dataset">dataset</option>
          <option value="global">everything</option>
        </select>
        {resourceKind === 'experiment' && (
          <select aria-label="Experiment" value={resource} onChange={(e) => setResource(e.target.value)}>
            <option value="">choose…</option>
            {experiments.map((e) => (
              <option key={e.id} value={e.id}>
                {e.name}
              </option>
            ))}
          </select>
        )}
        {resourceKind === 'model' && (
          <input
            type="text"
            aria-label="Registered model name"
            placeholder="Registered model name"
            value={resource}
            onChange={(e) => setResource(e.target.value)}
          />
        )}
        {resourceKind === 'dataset' && (
          <input
            type="text"
            aria-label="Dataset name"
            placeholder="namespace:name"
            value={resource}
            onChange={(e) => setResource(e.target.value)}
          />
        )}
        <button type="submit" className="primary" disabled={grant.busy || !ready}>
          Grant
        </button>
      </form>
      {grant.error && (
        <p className="form-error" role="alert">
          {grant.error}
        </p>
      )}
    </>
  );
}

/** Restricted experiments, models and datasets: the default role and global roles no longer reach them. */
function Restrictions({ experiments }: { experiments: Named[] }) {
  const restrictions = useApiQuery(queryKeys.restrictions(), (signal) => api.restrictions(signal));
  const [kind, setKind] = useState<RestrictableKind>('experiment');
  const [target, setTarget] = useState('');
  const changed = [queryKeys.restrictions(), ['effective-role'], ['experiments']];
  const restrict = useAction(
    (resource: RestrictionTarget, restricted: boolean) => api.restrict(resource, restricted),
    changed,
  );
  const experimentName = new Map(experiments.map((e) => [e.id, e.name]));
  const restrictedIds = new Set(
    restrictions.data?.restrictions.filter((r) => r.kind === 'experiment').map((r) => r.id),
  );
  return (
    <div className="admin-card">
      <h3>Restricted</h3>
      <p className="muted small">
        Only roles bound to a restricted experiment, registered model or dataset reach it: it is hidden from everyone
        else.
      </p>
      {restrictions.error ? (
        <ErrorMessage error={restrictions.error} onRetry={restrictions.reload} />
      ) : !restrictions.data ? (
        <Loading label="Loading restrictions…" />
      ) : restrictions.data.restrictions.length === 0 ? (
        <p className="muted">Nothing is restricted.</p>
      ) : (
        <ul className="member-list" data-testid="restrictions">
          {restrictions.data.restrictions.map((r) => (
            <li key={`${r.kind}:${r.id}`} data-restricted={`${r.kind} ${r.id}`}>
              {r.kind === 'experiment' ? `experiment ${experimentName.get(r.id) ?? r.id}` : `${r.kind} ${r.id}`}
              <button
                type="button"
                className="link-button"
                disabled={restrict.busy}
                onClick={() => void restrict.run(restrictionTarget(r.kind, r.id), false)}
              >
                lift
              </button>
            </li>
          ))}
        </ul>
      )}
      <form
        className="admin-form"
        aria-label="Restrict"
        onSubmit={async (event) => {
          event.preventDefault();
          if (await restrict.run(restrictionTarget(kind, target), true)) {
            setTarget('');
          }
        }}
      >
        <select
          aria-label="Restrict kind"
          value={kind}
          onChange={(e) => {
            setKind(e.target.value as RestrictableKind);
            setTarget('');
          }}
        >
          <option value="experiment">experiment</option>
          <option value="model">registered model</option>
          <option value="dataset">dataset</option>
        </select>
        {kind === 'experiment' ? (
          <select aria-label="Experiment to restrict" value={target} onChange={(e) => setTarget(e.target.value)}>
            <option value="">choose…</option>
            {experiments
              .filter((e) => !restrictedIds.has(e.id))
              .map((e) => (
                <option key={e.id} value={e.id}>
                  {e.name}
                </option>
              ))}
          </select>
        ) : (
          <input
            type="text"
            aria-label={kind === 'model' ? 'Registered model to restrict' : 'Dataset to restrict'}
            placeholder={kind === 'model' ? 'Registered model name' : 'namespace:name'}
            value={target}
            onChange={(e) => setTarget(e.target.value)}
          />
        )}
        <button type="submit" disabled={restrict.busy || target.trim() === ''}>
          Restrict
        </button>
      </form>
      {restrict.error && (
        <p className="form-error" role="alert">
          {restrict.error}
        </p>
      )}
    </div>
  );
}
