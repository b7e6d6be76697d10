/**
 * How many single-character edits (insert, delete, substitute, swap two neighbours) turn `typed` into the start of
 * `candidate`: completion compares what was typed with the candidate's prefix of about the same length, so
 * "fruad" is one edit from "fraud-detector". Linear in the candidate's length times the typed length, both bounded.
 */
export function prefixEditDistance(typed: string, candidate: string): number {
  const a = typed;
  const b = candidate.slice(0, typed.length + 2);
  // Optimal string alignment distance over a against every prefix of b; the best prefix wins.
  let twoBack: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        value = Math.min(value, twoBack[j - 2]! + 1);
      current.push(value);
    }
    twoBack = previous;
    previous = current;
  }
  return Math.min(...previous.slice(Math.max(0, a.length - 2)));
}

/** Edits a typed word of this length may hold and still suggest: none for very short words, which match too much. */
export function allowedTypos(length: number): number {
  if (length < 3) return 0;
  return length < 6 ? 1 : 2;
}

/** The character trigrams of a typed word, the candidates' index key for typo-tolerant completion. */
export function trigramsOf(text: string): string[] {
  const grams = new Set<string>();
  for (let i = 0; i + 3 <= text.length; i++) grams.add(text.slice(i, i + 3));
  return [...grams];
}
