// Seeded, stratified splits (holdout, k folds) and the choice of the L2 penalty by cross-validation.
// Deterministic: the same rows, outcomes and seed give the same split, folds and penalty.
import { type Design, fitLogistic, linearPredictor, logLoss, sigmoid } from './logistic.js';
import { mulberry32 } from './metrics.js';

/** The seeded PRNG of the metrics (mulberry32): floats in [0, 1). */
export const rng = mulberry32;

/** Fisher-Yates shuffle in place with the given random source. */
export function shuffle<T>(a: T[], random: () => number): T[] {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = a[i] as T;
    a[i] = a[j] as T;
    a[j] = t;
  }
  return a;
}

/**
 * Stratified holdout: the same share of positives and of negatives is held out (rounded), chosen at
 * random with `seed`. Rows are 0-based indices into y. Both lists come back sorted.
 */
export function stratifiedHoldout(y: Uint8Array, share: number, seed: number): { train: Int32Array; holdout: Int32Array } {
  const random = rng(seed);
  const pos: number[] = [];
  const neg: number[] = [];
  for (let i = 0; i < y.length; i++) (y[i] ? pos : neg).push(i);
  shuffle(pos, random);
  shuffle(neg, random);
  const hp = Math.round(pos.length * share);
  const hn = Math.round(neg.length * share);
  const holdout = [...pos.slice(0, hp), ...neg.slice(0, hn)].sort((a, b) => a - b);
  const train = [...pos.slice(hp), ...neg.slice(hn)].sort((a, b) => a - b);
  return { train: Int32Array.from(train), holdout: Int32Array.from(holdout) };
}

/** Stratified k folds of `rows`: fold[t] in 0..k-1 for rows[t]; each fold has ~1/k of each class. */
export function stratifiedFolds(rows: Int32Array, y: Uint8Array, k: number, seed: number): Int32Array {
  const random = rng(seed ^ 0x9e3779b9);
  const pos: number[] = [];
  const neg: number[] = [];
  for (let t = 0; t < rows.length; t++) (y[rows[t]!] ? pos : neg).push(t);
  shuffle(pos, random);
  shuffle(neg, random);
  const fold = new Int32Array(rows.length);
  // continue the round-robin across classes so that fold sizes stay balanced too
  [...pos, ...neg].forEach((t, i) => (fold[t] = i % k));
  return fold;
}

/** The penalty grid in scikit-learn's terms: C = 10^-3 ... 10^2 in half decades; lambda = 1 / C. */
export const C_GRID: readonly number[] = [-3, -2.5, -2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2].map((e) => Number((10 ** e).toPrecision(6)));

export interface CvResult {
  /** The chosen C (lambda = 1 / C). */
  c: number;
  /** Mean validation log-loss per grid value, in grid order. */
  logLoss: number[];
  folds: number;
}

/**
 * k-fold cross-validation over the C grid on the training rows: each fold is fitted on the other k-1
 * folds for every C (from the strongest penalty to the weakest, warm-started) and scored by mean
 * log-loss on the fold; the C with the lowest mean wins (ties: the stronger penalty).
 */
export function chooseC(X: Design, y: Uint8Array, train: Int32Array, k: number, seed: number, grid: readonly number[] = C_GRID): CvResult {
  const fold = stratifiedFolds(train, y, k, seed);
  const loss = new Array<number>(grid.length).fill(0);
  const prob = new Float64Array(X.rows);
  for (let f = 0; f < k; f++) {
    const fitRows: number[] = [];
    const valRows: number[] = [];
    for (let t = 0; t < train.length; t++) (fold[t] === f ? valRows : fitRows).push(train[t]!);
    const fitSet = Int32Array.from(fitRows);
    const valSet = Int32Array.from(valRows);
    let init: { intercept: number; coef: Float64Array } | undefined;
    for (let g = 0; g < grid.length; g++) {
      const res = fitLogistic(X, y, { lambda: 1 / grid[g]!, subset: fitSet, ...(init ? { init } : {}) });
      init = { intercept: res.intercept, coef: res.coef };
      for (const i of valSet) prob[i] = sigmoid(linearPredictor(X, i, res.intercept, res.coef));
      loss[g] = loss[g]! + logLoss(prob, y, valSet) / k;
    }
  }
  let best = 0;
  for (let g = 1; g < grid.length; g++) if (loss[g]! < loss[best]! - 1e-12) best = g;
  return { c: grid[best]!, logLoss: loss, folds: k };
}
