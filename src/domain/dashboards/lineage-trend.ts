/** One entity as the lineage trend sees it: when it was created and which lineage aspects it lacks. */
export interface LineageMark<A extends string> {
  id: string;
  createdTime: number;
  missing: readonly A[];
}

export interface LineageDay<A extends string> {
  /** Start of the UTC day, epoch milliseconds. */
  day: number;
  judged: number;
  complete: number;
  share: number;
  /** Every entity behind the figure, complete ones with an empty `missing`, in id order. */
  entities: { id: string; missing: A[] }[];
  /** How many of the day's entities lack each aspect. */
  missingCounts: Record<A, number>;
}

const DAY = 86_400_000;

/**
 * Lineage completeness over time: per UTC day of creation, the share of entities with every aspect recorded, and
 * the entities themselves so each figure can be followed to what is behind it. Oldest day first.
 */
export function lineageByDay<A extends string>(
  marks: readonly LineageMark<A>[],
  aspects: readonly A[],
): LineageDay<A>[] {
  const days = new Map<number, LineageMark<A>[]>();
  for (const mark of marks) {
    const day = Math.floor(mark.createdTime / DAY) * DAY;
    const entry = days.get(day) ?? [];
    entry.push(mark);
    days.set(day, entry);
  }
  return [...days.entries()]
    .sort(([a], [b]) => a - b)
    .map(([day, entries]) => {
      const missingCounts = Object.fromEntries(aspects.map((a) => [a, 0])) as Record<A, number>;
      for (const entry of entries) for (const aspect of entry.missing) missingCounts[aspect] += 1;
      const complete = entries.filter((e) => e.missing.length === 0).length;
      return {
        day,
        judged: entries.length,
        complete,
        share: complete / entries.length,
        entities: entries
          .map((e) => ({ id: e.id, missing: aspects.filter((a) => e.missing.includes(a)) }))
          .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
        missingCounts,
      };
    });
}
