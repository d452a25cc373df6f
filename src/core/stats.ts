// Small numeric definitions shared by scoring, training, evaluation and init — each written once.

/** The logistic function 1 / (1 + e^-z), computed without overflow for large |z|. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/**
 * How a quantile picks from sorted values:
 * - `linear`: interpolation between order statistics (R type 7), for confidence intervals;
 * - `nearest-rank`: the smallest value with at least q of the values at or below it (init's tiers);
 * - `lower`: the value at index floor(q × n) (train's proposed band mins, caps).
 */
export type QuantileRule = 'linear' | 'nearest-rank' | 'lower';

/** The q-quantile (0..1) of sorted values. Empty: NaN (`lower`: 0). */
export function quantile(sorted: readonly number[], q: number, rule: QuantileRule = 'linear'): number {
  const n = sorted.length;
  if (rule === 'nearest-rank') {
    if (n === 0) return NaN;
    return sorted[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))]!;
  }
  if (rule === 'lower') {
    if (n === 0) return 0;
    return sorted[Math.min(n - 1, Math.max(0, Math.floor(q * n)))]!;
  }
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}
