/** Percentile by nearest rank on a copy of the samples (p in 0..100). */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function elapsedMs(startedAt: bigint): number {
  return Number(process.hrtime.bigint() - startedAt) / 1e6;
}

export const now = (): bigint => process.hrtime.bigint();

/**
 * Times `iterations` calls after `warmup` calls whose timings are thrown away (they pay for JIT, statement
 * preparation and a cold page cache, which a long-running server has already paid).
 */
export async function timeIterations(
  warmup: number,
  iterations: number,
  call: (iteration: number) => Promise<void>,
): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await call(i);
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const started = now();
    await call(warmup + i);
    samples.push(elapsedMs(started));
  }
  return samples;
}
