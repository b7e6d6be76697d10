import { LRUCache } from 'lru-cache';

const MAX_ENTRIES = 50_000;

/**
 * Role bindings and restrictions the access checks read, kept between requests under the access generation they were
 * read in. Every change to bindings or restrictions moves the generation on in its own transaction (triggers, migration
 * 0030), and each request learns the current generation in the very query that authenticates it, so an answer kept
 * under an older generation is never used: a grant or a revocation committed on any replica applies to the next
 * request on every replica. A request that knows no generation reads the database.
 *
 * What is read after the generation was learnt is at least as new as that generation, so keeping it under that
 * generation can only ever make a later request read again, never use something stale.
 */
export class AccessFactsCache {
  private readonly entries = new LRUCache<string, { value: unknown }>({ max: MAX_ENTRIES });
  /** The newest generation seen: entries of older ones can never be used again and are dropped. */
  private generation = -1;
  /** Answers given from memory: for the operator's curiosity and for tests that must see the cache at work. */
  hits = 0;

  async through<T>(generation: number | undefined, key: string, load: () => Promise<T>): Promise<T> {
    if (generation === undefined || generation < this.generation) return load();
    if (generation > this.generation) {
      this.entries.clear();
      this.generation = generation;
    }
    const hit = this.entries.get(key);
    if (hit) {
      this.hits += 1;
      return hit.value as T;
    }
    const value = await load();
    if (generation === this.generation) this.entries.set(key, { value });
    return value;
  }
}
