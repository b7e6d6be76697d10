import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { api } from '../api/client.js';
import { queryKeys } from '../api/queries.js';
import { reportApi, reportInput, reportKeys } from '../api/report-client.js';
import { useApiQuery } from '../lib/use-api-query.js';

/**
 * "Pin to report" for the runs selected on an experiment's runs table: adds them to one of the experiment's reports
 * as a runs table or as a chart of one metric, then opens the report.
 */
export function PinToReport({ experimentId, runIds }: { experimentId: string; runIds: string[] }) {
  const [open, setOpen] = useState(false);
  const [reportId, setReportId] = useState('');
  const [metricKey, setMetricKey] = useState('');
  const [error, setError] = useState<string>();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const reports = useApiQuery(reportKeys.list(experimentId), (signal) => reportApi.list(experimentId, signal), {
    enabled: open,
  });
  const keys = useApiQuery(queryKeys.experimentKeys(experimentId), (signal) => api.keys(experimentId, signal), {
    enabled: open,
  });

  if (!open) {
    return (
      <button type="button" disabled={runIds.length === 0} onClick={() => setOpen(true)} data-testid="pin-to-report">
        Pin to report{runIds.length > 0 ? ` (${runIds.length})` : ''}
      </button>
    );
  }
  const pin = async () => {
    setError(undefined);
    try {
      const { report } = await reportApi.get(experimentId, reportId);
      const block =
        metricKey === '' ? { kind: 'runs' as const, runIds } : { kind: 'chart' as const, metricKey, runIds };
      const saved = await reportApi.save(
        experimentId,
        reportId,
        reportInput(report, (blocks) => [...blocks, block]),
      );
      queryClient.setQueryData(reportKeys.one(experimentId, reportId), saved);
      navigate(`/experiments/${encodeURIComponent(experimentId)}/reports/${encodeURIComponent(reportId)}`);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <span className="inline-form" data-testid="pin-form">
      <select
        aria-label="Report"
        value={reportId}
        onChange={(e) => setReportId(e.target.value)}
        data-testid="pin-report"
      >
        <option value="">{reports.data?.reports.length === 0 ? 'No reports yet' : 'Choose a report…'}</option>
        {(reports.data?.reports ?? []).map((r) => (
          <option key={r.id} value={r.id}>
            {r.title}
          </option>
        ))}
      </select>
      <select aria-label="Pin as" value={metricKey} onChange={(e) => setMetricKey(e.target.value)} data-testid="pin-as">
        <option value="">as a runs table</option>
        {(keys.data?.metrics ?? []).map((k) => (
          <option key={k} value={k}>
            as a chart of {k}
          </option>
        ))}
      </select>
      <button type="button" className="primary" disabled={reportId === ''} onClick={pin} data-testid="pin-confirm">
        Pin {runIds.length} {runIds.length === 1 ? 'run' : 'runs'}
      </button>
      <button type="button" onClick={() => setOpen(false)}>
        Cancel
      </button>
      {error && <span className="form-error">{error}</span>}
    </span>
  );
}
