import { canonicalJson } from './canonical-json.js';

/** What `mnemo audit verify` found wrong, located by event seq where there is one. */
export interface VerificationProblem {
  /** The audit event the problem is about (for entity rows: the event that recorded the value now wrong). */
  seq: number | null;
  kind:
    | 'event-missing'
    | 'event-edited'
    | 'event-moved'
    | 'chain-broken'
    | 'state-missing'
    | 'state-edited'
    | 'checkpoint-invalid'
    | 'head-mismatch'
    | 'proof-node-invalid'
    | 'entity-changed'
    | 'entity-unrecorded'
    | 'entity-missing';
  message: string;
}

export interface VerificationReport {
  events: number;
  checkpoints: number;
  /** Experiments, runs, registered models and model versions checked. */
  entities: number;
  /**
   * Lineage rows checked: datasets and dataset versions, features and feature versions, environments, code refs,
   * deployment targets, deployments, OpenLineage runs and graph edges.
   */
  lineage: number;
  /** Governance rows checked: metadata schema subjects and versions, tag vocabularies, naming rules. */
  governance: number;
  problems: VerificationProblem[];
  /** True when more problems existed than were kept. */
  truncated: boolean;
}

/** Collects problems up to a limit; the earliest by seq is what a user needs first. */
export class ProblemLog {
  readonly problems: VerificationProblem[] = [];
  truncated = false;

  constructor(private readonly limit = 200) {}

  add(problem: VerificationProblem): void {
    if (this.problems.length >= this.limit) this.truncated = true;
    else this.problems.push(problem);
  }

  /** Problems ordered by seq (those without one last), stable otherwise. */
  sorted(): VerificationProblem[] {
    return this.problems
      .map((p, i) => ({ p, i }))
      .sort((a, b) => (a.p.seq ?? Number.MAX_SAFE_INTEGER) - (b.p.seq ?? Number.MAX_SAFE_INTEGER) || a.i - b.i)
      .map(({ p }) => p);
  }
}

/**
 * Names the top-level fields in which a current entity differs from the state the log recorded, showing both
 * values, e.g. `name is "b" but the log recorded "a"`. Values are compared as canonical JSON, whose serialiser needs
 * no call stack per level: a record stored before nesting was capped may be thousands of levels deep.
 */
export function describeDifferences(recorded: Record<string, unknown>, current: Record<string, unknown>): string[] {
  const keys = [...new Set([...Object.keys(recorded), ...Object.keys(current)])].sort();
  const differences: string[] = [];
  for (const key of keys) {
    const was = canonicalJson(recorded[key] ?? null);
    const now = canonicalJson(current[key] ?? null);
    if (was !== now) differences.push(`${key} is ${clip(now)} but the log recorded ${clip(was)}`);
  }
  return differences;
}

const clip = (text: string): string => (text.length > 120 ? `${text.slice(0, 117)}...` : text);

/** Compares two key/value lists as maps: what was changed, removed or added behind the log's back. */
export function describeMapDifferences(
  what: string,
  recorded: ReadonlyMap<string, { value: string; seq: number }>,
  current: ReadonlyMap<string, string>,
): { seq: number | null; message: string }[] {
  const out: { seq: number | null; message: string }[] = [];
  for (const [key, { value, seq }] of recorded) {
    const now = current.get(key);
    if (now === undefined) out.push({ seq, message: `${what} '${key}' recorded by event ${seq} is gone` });
    else if (now !== value) {
      out.push({
        seq,
        message: `${what} '${key}' is ${clip(JSON.stringify(now))} but event ${seq} recorded ${clip(JSON.stringify(value))}`,
      });
    }
  }
  for (const [key, value] of current) {
    if (!recorded.has(key)) {
      out.push({
        seq: null,
        message: `${what} '${key}' = ${clip(JSON.stringify(value))} was never recorded in the log`,
      });
    }
  }
  return out;
}
