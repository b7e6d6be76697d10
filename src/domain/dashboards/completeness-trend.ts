/** A finished run's completeness mark, as the requirements judged it. */
export interface CompletenessMark {
  startTime: number;
  complete: boolean;
}

export interface CompletenessDay {
  /** Start of the UTC day, epoch milliseconds. */
  day: number;
  judged: number;
  complete: number;
  share: number;
}

const DAY = 86_400_000;

/** The share of judged runs that were complete, per UTC day of their start, oldest day first. */
export function completenessByDay(marks: readonly CompletenessMark[]): CompletenessDay[] {
  const days = new Map<number, { judged: number; complete: number }>();
  for (const mark of marks) {
    const day = Math.floor(mark.startTime / DAY) * DAY;
    const entry = days.get(day) ?? { judged: 0, complete: 0 };
    entry.judged += 1;
    if (mark.complete) entry.complete += 1;
    days.set(day, entry);
  }
  return [...days.entries()]
    .sort(([a], [b]) => a - b)
    .map(([day, { judged, complete }]) => ({ day, judged, complete, share: complete / judged }));
}

/** Adds up several sources' days (one per experiment of a team, say) into one trend, oldest day first. */
export function mergeCompletenessDays(sources: readonly (readonly CompletenessDay[])[]): CompletenessDay[] {
  const days = new Map<number, { judged: number; complete: number }>();
  for (const source of sources) {
    for (const { day, judged, complete } of source) {
      const entry = days.get(day) ?? { judged: 0, complete: 0 };
      entry.judged += judged;
      entry.complete += complete;
      days.set(day, entry);
    }
  }
  return [...days.entries()]
    .sort(([a], [b]) => a - b)
    .map(([day, { judged, complete }]) => ({ day, judged, complete, share: complete / judged }));
}
