import { type FormEvent, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import {
  type AuditEvent,
  type AuditFilter,
  governanceApi,
  governanceKeys,
  governanceLinks,
} from '../../api/governance-client.js';
import { Empty, ErrorMessage, Loading } from '../../components/states.js';
import { formatTime } from '../../lib/format.js';
import { inclusionProblem } from '../../lib/inclusion-proof.js';
import { useApiQuery } from '../../lib/use-api-query.js';

const FILTER_FIELDS = ['entityKind', 'entityId', 'action', 'actor', 'from', 'to'] as const;
const LABELS: Record<(typeof FILTER_FIELDS)[number], string> = {
  entityKind: 'Entity kind',
  entityId: 'Entity id',
  action: 'Action',
  actor: 'Actor',
  from: 'From',
  to: 'Until',
};

/** `datetime-local` text ↔ epoch ms, so the address keeps the exact bounds the API takes. */
const toMs = (local: string) => (local === '' ? '' : String(new Date(local).getTime()));
const toLocal = (ms: string) => {
  if (ms === '') return '';
  const d = new Date(Number(ms));
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};

/**
 * The audit log browser: events filtered by entity, action, actor and time, a page at a time, exportable as JSON
 * Lines; the latest signed checkpoint, and per event an inclusion proof checked in the browser.
 */
export function AuditPage() {
  const [params, setParams] = useSearchParams();
  const filter = Object.fromEntries(FILTER_FIELDS.map((f) => [f, params.get(f) ?? ''])) as unknown as AuditFilter;
  // Tokens of the pages already passed, so "Previous" can go back; the first page has none.
  const [pages, setPages] = useState<string[]>([]);
  const pageToken = pages.at(-1);
  const events = useApiQuery(
    governanceKeys.audit(filter, pageToken),
    (signal) => governanceApi.auditEvents(filter, pageToken, signal),
    { keepPrevious: true },
  );
  const apply = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const next = new URLSearchParams();
    for (const f of FILTER_FIELDS) {
      const raw = String(form.get(f) ?? '').trim();
      const value = f === 'from' || f === 'to' ? toMs(raw) : raw;
      if (value !== '') next.set(f, value);
    }
    setPages([]);
    setParams(next);
  };
  return (
    <div className="page">
      <div className="page-header">
        <h1>Audit log</h1>
        <span className="spacer" />
        <a
          className="button"
          href={governanceLinks.export(filter)}
          download="audit-events.jsonl"
          data-testid="audit-export"
        >
          Export JSON Lines
        </a>
      </div>
      <LatestCheckpoint />
      <form className="audit-filters" onSubmit={apply} key={params.toString()} data-testid="audit-filters">
        {FILTER_FIELDS.map((f) => (
          <label key={f}>
            {LABELS[f]}
            <input
              name={f}
              type={f === 'from' || f === 'to' ? 'datetime-local' : 'text'}
              defaultValue={f === 'from' || f === 'to' ? toLocal(filter[f]) : filter[f]}
            />
          </label>
        ))}
        <button type="submit" className="primary">
          Filter
        </button>
      </form>
      {events.error ? (
        <ErrorMessage error={events.error} onRetry={events.reload} />
      ) : !events.data ? (
        <Loading label="Loading audit events…" />
      ) : events.data.events.length === 0 ? (
        <Empty title="No matching events" />
      ) : (
        <>
          <table className="data-table compact" data-testid="audit-events">
            <thead>
              <tr>
                <th>Seq</th>
                <th>Time</th>
                <th>Actor</th>
                <th>Action</th>
                <th>Entity</th>
                <th>Verification</th>
              </tr>
            </thead>
            <tbody>
              {events.data.events.map((event) => (
                <EventRow key={event.seq} event={event} />
              ))}
            </tbody>
          </table>
          <div className="request-actions">
            <button type="button" disabled={pages.length === 0} onClick={() => setPages(pages.slice(0, -1))}>
              Previous
            </button>
            <button
              type="button"
              disabled={!events.data.nextPageToken}
              onClick={() => events.data?.nextPageToken && setPages([...pages, events.data.nextPageToken])}
            >
              Next
            </button>
          </div>
        </>
      )}
    </div>
  );
}

function LatestCheckpoint() {
  const checkpoint = useApiQuery(governanceKeys.checkpoint(), (signal) => governanceApi.latestCheckpoint(signal));
  if (checkpoint.error) return <ErrorMessage error={checkpoint.error} />;
  const latest = checkpoint.data;
  return (
    <p className="muted small" data-testid="audit-checkpoint">
      {latest === undefined
        ? 'Loading checkpoint…'
        : latest
          ? `Last signed checkpoint: ${latest.treeSize} events, root ${latest.rootHash.slice(0, 16)}…, key ${latest.keyId}, ${formatTime(latest.time)}`
          : 'No signed checkpoint yet: events cannot be proven until an administrator signs one.'}
    </p>
  );
}

/** A model version's attestation can be downloaded from its events (their state names the version). */
function versionOf(event: AuditEvent): { name: string; version: number } | undefined {
  const state = event.state as { name?: unknown; version?: unknown } | null;
  if (event.entityKind !== 'model_version' || !state) return undefined;
  return typeof state.name === 'string' && typeof state.version === 'number'
    ? { name: state.name, version: state.version }
    : undefined;
}

type Check = { state: 'idle' } | { state: 'checking' } | { state: 'done'; problem: string | undefined };

function EventRow({ event }: { event: AuditEvent }) {
  const [check, setCheck] = useState<Check>({ state: 'idle' });
  const version = versionOf(event);
  const verify = async () => {
    setCheck({ state: 'checking' });
    try {
      const bundle = await governanceApi.proof(event.seq);
      const problem =
        bundle.event.seq !== event.seq ? 'the proof is for another event' : await inclusionProblem(bundle);
      setCheck({ state: 'done', problem });
    } catch (caught) {
      setCheck({ state: 'done', problem: caught instanceof Error ? caught.message : String(caught) });
    }
  };
  return (
    <tr data-testid="audit-event" data-seq={event.seq}>
      <td>{event.seq}</td>
      <td>{formatTime(event.time)}</td>
      <td>{event.actor}</td>
      <td>
        <code>{event.action}</code>
      </td>
      <td className="small">
        {event.entityKind} <code>{event.entityId}</code>
        {version && (
          <div className="muted">
            {version.name} v{version.version}
          </div>
        )}
      </td>
      <td className="small">
        {check.state === 'done' ? (
          <span
            className={check.problem ? 'badge badge-failed' : 'badge badge-ok'}
            data-testid="verify-badge"
            data-verified={String(!check.problem)}
            title={check.problem}
          >
            {check.problem ? `not verified: ${check.problem}` : '✓ verified'}
          </span>
        ) : (
          <button type="button" disabled={check.state === 'checking'} onClick={() => void verify()}>
            {check.state === 'checking' ? 'Checking…' : 'Verify'}
          </button>
        )}{' '}
        <a href={governanceLinks.proof(event.seq)} download={`audit-event-${event.seq}.proof.json`}>
          proof
        </a>
        {version && (
          <>
            {' · '}
            <a href={governanceLinks.versionAttestation(version.name, version.version)} download>
              attestation
            </a>
          </>
        )}
      </td>
    </tr>
  );
}
