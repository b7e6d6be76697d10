/** The terms holding one trigram of what was typed: all of them, or the first ones when it is too common to read. */
export interface TrigramPosting {
  ids: readonly number[];
  /** False when reading stopped at a cap: the trigram is common and the ids are only a sample. */
  complete: boolean;
}

/**
 * Which terms to compare with a mistyped word, best first, from the terms holding each of its trigrams. A typo spoils
 * the trigrams around it and leaves the rest, so the intended term shares most of the uncommon ones: terms are ranked
 * by how many uncommon trigrams they hold. Common trigrams ("mod" of ten thousand "model-…" names) are left out, as
 * they tell the candidates apart no better than chance and reading them all is what made a typo slow. When every
 * trigram is common, any term holding the rarest one is as likely as another, so a sample of those is returned.
 */
export function trigramCandidates(postings: readonly TrigramPosting[], max: number): number[] {
  const uncommon = postings.filter((p) => p.complete && p.ids.length > 0);
  if (uncommon.length === 0) {
    const rarest = postings.filter((p) => p.ids.length > 0).sort((a, b) => a.ids.length - b.ids.length)[0];
    return rarest ? rarest.ids.slice(0, max) : [];
  }
  const shared = new Map<number, number>();
  for (const posting of uncommon) {
    for (const id of new Set(posting.ids)) shared.set(id, (shared.get(id) ?? 0) + 1);
  }
  // Grouped by how many they share (at most one per trigram), rather than sorted: thousands share one or two.
  const byShared: number[][] = Array.from({ length: uncommon.length + 1 }, () => []);
  for (const [id, count] of shared) byShared[count]!.push(id);
  const ranked: number[] = [];
  for (let count = uncommon.length; count > 0 && ranked.length < max; count--) {
    ranked.push(...byShared[count]!.sort((a, b) => a - b).slice(0, max - ranked.length));
  }
  return ranked;
}
