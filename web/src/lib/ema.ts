/**
 * Exponential moving average with debiasing (as TensorBoard smooths), so the first points are not dragged toward
 * zero. `weight` 0 returns the data unchanged; nulls (gaps) pass through without resetting the average.
 */
export function emaSmooth(values: readonly (number | null)[], weight: number): (number | null)[] {
  if (weight <= 0) return values.slice();
  const w = Math.min(weight, 0.999);
  let last = 0;
  let count = 0;
  return values.map((value) => {
    if (value === null || !Number.isFinite(value)) return value;
    last = last * w + (1 - w) * value;
    count++;
    return last / (1 - w ** count);
  });
}
