import { type FormEvent, useState } from 'react';
import { collaborationApi, collaborationKeys, type MilestoneItem } from '../api/collaboration-client.js';
import { useApiQuery } from '../lib/use-api-query.js';
import { ErrorMessage, Loading } from './states.js';

const STATUS_LABEL: Record<MilestoneItem['progress']['status'], string> = {
  met: 'met',
  on_track: 'on track',
  overdue: 'overdue',
};

/**
 * An experiment's milestones ("val_auc >= 0.92 by 2027-03-01") with the best run so far and a bar of how far it got,
 * and a form to add one. The server computes progress, so the page and the API always agree.
 */
export function MilestonesPanel({ experimentId, editable }: { experimentId: string; editable: boolean }) {
  const milestones = useApiQuery(collaborationKeys.milestones(experimentId), (signal) =>
    collaborationApi.milestones(experimentId, signal),
  );
  const [form, setForm] = useState({ name: '', metricKey: '', comparator: '>=', target: '', due: '' });
  const [error, setError] = useState<Error | undefined>();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      await collaborationApi.addMilestone(experimentId, {
        name: form.name,
        metricKey: form.metricKey,
        comparator: form.comparator,
        // Left empty, the target is sent as null and the server says what is missing.
        target: form.target.trim() === '' ? Number.NaN : Number(form.target),
        // The end of the chosen day, in UTC: "by 2027-03-01" includes that day.
        dueTime: Date.parse(`${form.due}T23:59:59.999Z`),
      });
      setForm({ name: '', metricKey: '', comparator: '>=', target: '', due: '' });
      milestones.reload();
    } catch (e) {
      setError(e as Error);
    }
  };
  const field = (name: keyof typeof form) => ({
    value: form[name],
    onChange: (e: { target: { value: string } }) => setForm({ ...form, [name]: e.target.value }),
  });

  return (
    <section data-testid="milestones">
      <h2>Milestones</h2>
      {milestones.error ? (
        <ErrorMessage error={milestones.error} onRetry={milestones.reload} />
      ) : !milestones.data ? (
        <Loading />
      ) : milestones.data.milestones.length === 0 ? (
        <p className="muted">No milestones yet.</p>
      ) : (
        <table className="data-table compact">
          <thead>
            <tr>
              <th>Milestone</th>
              <th>Target</th>
              <th>Due</th>
              <th>Best so far</th>
              <th>Progress</th>
              <th>Status</th>
              {editable && <th />}
            </tr>
          </thead>
          <tbody>
            {milestones.data.milestones.map((m) => (
              <tr key={m.id} data-testid="milestone">
                <td>{m.name}</td>
                <td>
                  {m.metricKey} {m.comparator === '>=' ? '≥' : '≤'} {m.target}
                </td>
                <td>{new Date(m.dueTime).toISOString().slice(0, 10)}</td>
                <td data-testid="milestone-best">{m.progress.best ?? '—'}</td>
                <td>
                  <progress max={1} value={m.progress.fraction ?? 0} aria-label={`${m.name} progress`} />
                </td>
                <td data-testid="milestone-status" className={`milestone-${m.progress.status}`}>
                  {STATUS_LABEL[m.progress.status]}
                </td>
                {editable && (
                  <td>
                    <button
                      type="button"
                      className="link-button"
                      onClick={() =>
                        void collaborationApi
                          .deleteMilestone(experimentId, m.id)
                          .then(milestones.reload, (e: Error) => setError(e))
                      }
                    >
                      remove
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {editable && (
        <form className="milestone-form toolbar" onSubmit={submit}>
          <input aria-label="Milestone name" placeholder="name" data-testid="milestone-name" {...field('name')} />
          <input aria-label="Metric key" placeholder="metric" data-testid="milestone-metric" {...field('metricKey')} />
          <select aria-label="Comparator" data-testid="milestone-comparator" {...field('comparator')}>
            <option value=">=">≥</option>
            <option value="<=">≤</option>
          </select>
          <input
            aria-label="Target"
            placeholder="target"
            inputMode="decimal"
            data-testid="milestone-target"
            {...field('target')}
          />
          <input aria-label="Due date" type="date" data-testid="milestone-due" {...field('due')} />
          <button type="submit" className="primary" data-testid="milestone-submit">
            Add milestone
          </button>
        </form>
      )}
      {error && <ErrorMessage error={error} />}
    </section>
  );
}
