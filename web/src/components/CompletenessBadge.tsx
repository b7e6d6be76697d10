import type { Run } from '../api/types.js';

/**
 * A finished run lacking metadata its experiment requires: a small badge naming each missing field, with why it is
 * needed on hover. Nothing for a complete run, or one never judged (still running, or nothing required).
 */
export function CompletenessBadge({ completeness }: { completeness: Run['completeness'] }) {
  if (!completeness || completeness.complete) return null;
  const fields = completeness.missing.map((m) => m.field);
  return (
    <span
      className="badge badge-incomplete"
      title={completeness.missing.map((m) => `${m.field}: ${m.reason}`).join('\n')}
      data-testid="completeness-badge"
    >
      incomplete: missing {fields.join(', ')}
    </span>
  );
}
