import type {
  ReportBlockInput,
  ReportBlockView,
  ReportInput,
  ReportSummary,
  ReportView,
} from '../../../src/sdk/wire/report-shapes.js';
import { request } from './client.js';

export type { ReportBlockInput, ReportBlockView, ReportInput, ReportSummary, ReportView };

const q = encodeURIComponent;
const reportsPath = (experimentId: string) => `/experiments/${q(experimentId)}/reports`;

export const reportApi = {
  list: (experimentId: string, signal?: AbortSignal) =>
    request<{ reports: ReportSummary[] }>('GET', reportsPath(experimentId), undefined, signal),
  get: (experimentId: string, reportId: string, signal?: AbortSignal) =>
    request<{ report: ReportView }>('GET', `${reportsPath(experimentId)}/${q(reportId)}`, undefined, signal),
  create: (experimentId: string, report: ReportInput) =>
    request<{ report: ReportView }>('POST', reportsPath(experimentId), report),
  save: (experimentId: string, reportId: string, report: ReportInput) =>
    request<{ report: ReportView }>('PUT', `${reportsPath(experimentId)}/${q(reportId)}`, report),
  delete: (experimentId: string, reportId: string) =>
    request<Record<string, never>>('DELETE', `${reportsPath(experimentId)}/${q(reportId)}`),
};

export const reportKeys = {
  list: (experimentId: string) => ['reports', experimentId] as const,
  one: (experimentId: string, reportId: string) => ['reports', experimentId, reportId] as const,
};

/**
 * A block as it is saved back, from what its reader sees: the runs shown, so runs hidden from this editor are not
 * kept by the save (the server would refuse to pin them for this editor anyway).
 */
export function blockInput(block: ReportBlockView): ReportBlockInput | undefined {
  if (block.kind === 'note') return block;
  const runIds = block.runs.map((r) => r.runId);
  if (runIds.length === 0) return undefined;
  return block.kind === 'runs' ? { kind: 'runs', runIds } : { kind: 'chart', metricKey: block.metricKey, runIds };
}

/** The whole report to save, from its current view with `change` applied to its blocks. */
export function reportInput(
  report: ReportView,
  change: (blocks: ReportBlockInput[]) => ReportBlockInput[] = (b) => b,
): ReportInput {
  const blocks = report.blocks.flatMap((b) => {
    const input = blockInput(b);
    return input ? [input] : [];
  });
  return { title: report.title, blocks: change(blocks) };
}
