import { invalid } from '../errors.js';

/**
 * A report pins notes, runs and charts on an experiment. It stores only references (run ids, a metric key): what it
 * shows is read again from the runs each time it is opened, so it never goes stale and never shows more than its
 * reader may see.
 */
export type ReportBlock =
  | { kind: 'note'; markdown: string }
  | { kind: 'runs'; runIds: string[] }
  | { kind: 'chart'; metricKey: string; runIds: string[] };

export interface Report {
  reportId: string;
  experimentId: string;
  title: string;
  blocks: ReportBlock[];
  createdBy: string;
  creationTime: number;
  lastUpdatedBy: string;
  lastUpdatedTime: number;
}

export interface ReportInput {
  title: string;
  blocks: unknown[];
}

export const REPORT_LIMITS = {
  title: 200,
  blocks: 50,
  markdown: 20_000,
  runIdsPerBlock: 100,
  runId: 100,
  metricKey: 250,
} as const;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function onlyKeys(block: Record<string, unknown>, keys: string[], at: string): void {
  const extra = Object.keys(block).find((k) => !keys.includes(k));
  if (extra !== undefined) throw invalid(`${at} has an unknown field '${extra}'`);
}

function checkRunIds(value: unknown, at: string): string[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > REPORT_LIMITS.runIdsPerBlock) {
    throw invalid(`${at} names 1-${REPORT_LIMITS.runIdsPerBlock} runs`);
  }
  for (const id of value) {
    if (typeof id !== 'string' || id === '' || id.length > REPORT_LIMITS.runId) {
      throw invalid(`${at} names runs by id, each 1-${REPORT_LIMITS.runId} characters`);
    }
  }
  // A run pinned twice in one block would show twice; keep the first place it was named.
  return [...new Set(value as string[])];
}

function checkBlock(value: unknown, index: number): ReportBlock {
  const at = `Block ${index + 1}`;
  if (!isRecord(value)) throw invalid(`${at} is an object`);
  switch (value.kind) {
    case 'note': {
      onlyKeys(value, ['kind', 'markdown'], at);
      const markdown = value.markdown;
      if (typeof markdown !== 'string' || markdown.trim() === '' || markdown.length > REPORT_LIMITS.markdown) {
        throw invalid(`${at} is a note of 1-${REPORT_LIMITS.markdown} characters of Markdown`);
      }
      return { kind: 'note', markdown };
    }
    case 'runs':
      onlyKeys(value, ['kind', 'runIds'], at);
      return { kind: 'runs', runIds: checkRunIds(value.runIds, at) };
    case 'chart': {
      onlyKeys(value, ['kind', 'metricKey', 'runIds'], at);
      const key = value.metricKey;
      if (typeof key !== 'string' || key.trim() === '' || key.length > REPORT_LIMITS.metricKey) {
        throw invalid(`${at} charts a metric key of 1-${REPORT_LIMITS.metricKey} characters`);
      }
      return { kind: 'chart', metricKey: key, runIds: checkRunIds(value.runIds, at) };
    }
    default:
      throw invalid(`${at} is a 'note', 'runs' or 'chart' block`);
  }
}

/** The title and blocks of a report as they will be stored, or an INVALID_PARAMETER_VALUE error saying what is wrong. */
export function checkReport(input: ReportInput): { title: string; blocks: ReportBlock[] } {
  const title = typeof input.title === 'string' ? input.title.trim() : '';
  if (title === '' || title.length > REPORT_LIMITS.title) {
    throw invalid(`A report title is 1-${REPORT_LIMITS.title} characters`);
  }
  if (!Array.isArray(input.blocks) || input.blocks.length > REPORT_LIMITS.blocks) {
    throw invalid(`A report holds at most ${REPORT_LIMITS.blocks} blocks`);
  }
  return { title, blocks: input.blocks.map(checkBlock) };
}

/** Every run a report names, once each, in the order first named. */
export function pinnedRunIds(blocks: readonly ReportBlock[]): string[] {
  const ids = new Set<string>();
  for (const block of blocks) if (block.kind !== 'note') for (const id of block.runIds) ids.add(id);
  return [...ids];
}

/** A run as a report shows it, read when the report is opened. */
export interface ReportRun {
  runId: string;
  /** Where the run is now, for linking to it (a report may pin runs of several experiments). */
  experimentId: string;
  runName: string;
  status: string;
  /** Latest value of each metric, by key. */
  metrics: Record<string, number | null>;
}

export type RenderedBlock =
  | { kind: 'note'; markdown: string }
  | { kind: 'runs'; runs: ReportRun[]; hiddenRuns: number }
  | { kind: 'chart'; metricKey: string; runs: Omit<ReportRun, 'status' | 'metrics'>[]; hiddenRuns: number };

/**
 * A report's blocks filled in with the runs its reader may see. A run that is gone or that the reader may no longer
 * read is left out and only counted, so a report shared widely never names a run some of its readers may not open.
 */
export function renderBlocks(
  blocks: readonly ReportBlock[],
  visibleRuns: ReadonlyMap<string, ReportRun>,
): RenderedBlock[] {
  return blocks.map((block) => {
    if (block.kind === 'note') return block;
    const shown = block.runIds.flatMap((id) => {
      const run = visibleRuns.get(id);
      return run ? [run] : [];
    });
    const hiddenRuns = block.runIds.length - shown.length;
    if (block.kind === 'runs') return { kind: 'runs', runs: shown, hiddenRuns };
    return {
      kind: 'chart',
      metricKey: block.metricKey,
      runs: shown.map((r) => ({ runId: r.runId, experimentId: r.experimentId, runName: r.runName })),
      hiddenRuns,
    };
  });
}
