// Ranking and calibration metrics for backtests (`leadscore evaluate`). Pure: typed arrays in, plain
// objects out. `labels[i]` is 1 for a lead that converted, 0 for one that did not; `scores[i]` is its
// score. Every metric is defined for ties (leads with equal scores) and returns null with a reason when
// it is undefined (no positive or no negative lead), never NaN and never a throw.

import { quantile } from '../stats.js';

export type Labels = ArrayLike<number>;
export type Scores = ArrayLike<number>;

export interface ClassCounts {
  leads: number;
  positives: number;
  negatives: number;
}

export function classCounts(labels: Labels): ClassCounts {
  let p = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === 1) p++;
  return { leads: labels.length, positives: p, negatives: labels.length - p };
}

/** Why a ranking metric is undefined on these labels, or undefined when it is defined. */
export function undefinedReason(c: ClassCounts): string | undefined {
  if (c.leads === 0) return 'no evaluated leads';
  if (c.positives === 0) return 'no positive outcome among the evaluated leads: every lead is negative';
  if (c.negatives === 0) return 'no negative outcome among the evaluated leads: every lead is positive';
  return undefined;
}

/** Indices ordered by score descending; equal scores keep index order (the order is only used by group). */
export function orderByScoreDesc(scores: Scores): Uint32Array {
  const order = new Uint32Array(scores.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  order.sort((a, b) => scores[b]! - scores[a]! || a - b);
  return order;
}

/**
 * Tie groups over `order` (scores descending): `start[g]`..`start[g + 1]` (exclusive) in `order` share
 * one score. `start` has one more entry than there are groups.
 */
export function tieGroups(scores: Scores, order: Uint32Array): Uint32Array {
  const starts: number[] = [0];
  for (let k = 1; k < order.length; k++) if (scores[order[k]!] !== scores[order[k - 1]!]) starts.push(k);
  starts.push(order.length);
  return Uint32Array.from(starts);
}

/** A sorted view of a sample, shared by the metrics below (sorting once is the expensive part). */
export interface Ranked {
  scores: Scores;
  labels: Labels;
  order: Uint32Array;
  groups: Uint32Array;
  counts: ClassCounts;
}

export function rank(scores: Scores, labels: Labels): Ranked {
  if (scores.length !== labels.length) throw new Error(`scores (${scores.length}) and labels (${labels.length}) differ in length`);
  const order = orderByScoreDesc(scores);
  return { scores, labels, order, groups: tieGroups(scores, order), counts: classCounts(labels) };
}

export type Metric<T> = { value: T; reason?: undefined } | { value: null; reason: string };

/**
 * ROC AUC, the Mann-Whitney statistic: the probability that a random positive lead scores above a
 * random negative one, a tie counting 1/2. Weighted form: `weights[i]` copies of lead i (bootstrap).
 */
export function aucOf(r: Ranked, weights?: ArrayLike<number>): number | null {
  const { order, groups, labels } = r;
  let pos = 0;
  let neg = 0;
  let num = 0; // sum over positives of (negatives below + half the negatives tied)
  // walk groups from the lowest score up
  for (let g = groups.length - 2; g >= 0; g--) {
    let gp = 0;
    let gn = 0;
    for (let k = groups[g]!; k < groups[g + 1]!; k++) {
      const i = order[k]!;
      const w = weights ? weights[i]! : 1;
      if (w === 0) continue;
      if (labels[i] === 1) gp += w;
      else gn += w;
    }
    num += gp * (neg + gn / 2);
    pos += gp;
    neg += gn;
  }
  if (pos === 0 || neg === 0) return null;
  return num / (pos * neg);
}

export function rocAuc(r: Ranked): Metric<number> {
  const reason = undefinedReason(r.counts);
  if (reason) return { value: null, reason };
  return { value: aucOf(r)! };
}

/** Gini coefficient (accuracy ratio) = 2·AUC − 1. */
export function giniOf(auc: number | null): number | null {
  return auc === null ? null : 2 * auc - 1;
}

/** mulberry32: a small seeded PRNG; the same seed gives the same sequence on every platform. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface BootstrapCi {
  level: number;
  lower: number;
  upper: number;
  resamples: number;
  /** Resamples that had both classes (the others are skipped). */
  used: number;
  seed: number;
}

/**
 * `resamples` bootstrap samples of n leads drawn with replacement, deterministic for a seed: `fn` gets
 * each as weights (a lead drawn k times weighs k; the array is reused between calls).
 */
export function eachBootstrapSample(n: number, resamples: number, seed: number, fn: (weights: Uint32Array) => void): void {
  const rand = mulberry32(seed);
  const w = new Uint32Array(n);
  for (let b = 0; b < resamples; b++) {
    w.fill(0);
    for (let k = 0; k < n; k++) w[Math.floor(rand() * n)]!++;
    fn(w);
  }
}

/**
 * Percentile bootstrap interval of the AUC: `resamples` samples of n leads drawn with replacement
 * (a lead drawn k times counts k times), AUC of each, the (1−level)/2 and (1+level)/2 quantiles
 * (linear interpolation). Deterministic for a seed.
 */
export function bootstrapAuc(r: Ranked, opts: { resamples: number; seed: number; level?: number }): Metric<BootstrapCi> {
  const level = opts.level ?? 0.95;
  const reason = undefinedReason(r.counts);
  if (reason) return { value: null, reason };
  if (opts.resamples < 2) return { value: null, reason: `bootstrap needs at least 2 resamples (got ${opts.resamples})` };
  const n = r.counts.leads;
  const aucs: number[] = [];
  eachBootstrapSample(n, opts.resamples, opts.seed, (w) => {
    const a = aucOf(r, w);
    if (a !== null) aucs.push(a);
  });
  if (aucs.length < 2) return { value: null, reason: 'too few resamples had both outcomes' };
  aucs.sort((x, y) => x - y);
  return {
    value: {
      level,
      lower: quantile(aucs, (1 - level) / 2),
      upper: quantile(aucs, (1 + level) / 2),
      resamples: opts.resamples,
      used: aucs.length,
      seed: opts.seed,
    },
  };
}

export { quantile };

export interface RocPoint {
  /** Leads scoring at or above this are called positive; null for the first point (none called). */
  threshold: number | null;
  fpr: number;
  tpr: number;
}

/**
 * The distinct scores from the highest down, each with the positives (tp) and negatives (fp) scoring at
 * or above it: calling every lead at or above `score` (the ROC curve, KS and the threshold curve walk this).
 */
export function* cumulativeCounts(r: Ranked): Generator<{ score: number; tp: number; fp: number }> {
  const { order, groups, labels, scores } = r;
  let tp = 0;
  let fp = 0;
  for (let g = 0; g < groups.length - 1; g++) {
    for (let k = groups[g]!; k < groups[g + 1]!; k++) {
      if (labels[order[k]!] === 1) tp++;
      else fp++;
    }
    yield { score: scores[order[groups[g]!]!]!, tp, fp };
  }
}

/** The ROC curve: one point per distinct score (descending), starting at (0, 0). */
export function rocCurve(r: Ranked): RocPoint[] | null {
  if (undefinedReason(r.counts)) return null;
  const { counts } = r;
  const pts: RocPoint[] = [{ threshold: null, fpr: 0, tpr: 0 }];
  for (const { score, tp, fp } of cumulativeCounts(r)) pts.push({ threshold: score, fpr: fp / counts.negatives, tpr: tp / counts.positives });
  return pts;
}

/** At most `max` points of a curve, evenly spaced along it, the first and last always kept. */
export function downsample<T>(points: readonly T[], max: number): T[] {
  if (points.length <= max || max < 2) return points.slice();
  const out: T[] = [];
  let last = -1;
  for (let j = 0; j < max; j++) {
    const k = Math.round((j * (points.length - 1)) / (max - 1));
    if (k !== last) out.push(points[k]!);
    last = k;
  }
  return out;
}

export interface Ks {
  /** max over thresholds of TPR − FPR (the largest gap between the two cumulative distributions). */
  ks: number;
  /** The score where it occurs: leads at or above it are called positive (the highest such score). */
  score: number;
  tpr: number;
  fpr: number;
}

/** Kolmogorov-Smirnov statistic, evaluated at every distinct score (tied leads move together). */
export function ksStatistic(r: Ranked): Metric<Ks> {
  const reason = undefinedReason(r.counts);
  if (reason) return { value: null, reason };
  const P = r.counts.positives;
  const N = r.counts.negatives;
  // maximise tp·N − fp·P (integers: exact, so the first of equal gaps wins without rounding noise)
  let bestGap = -Infinity;
  let best: Ks = { ks: 0, score: 0, tpr: 0, fpr: 0 };
  for (const { score, tp, fp } of cumulativeCounts(r)) {
    const gap = tp * N - fp * P;
    if (gap > bestGap) {
      bestGap = gap;
      best = { ks: tp / P - fp / N, score, tpr: tp / P, fpr: fp / N };
    }
  }
  return { value: best };
}

export interface GainsRow {
  /** 1 = the top tenth of leads by score. */
  decile: number;
  leads: number;
  /** Positives in this decile; fractional when a tie group straddles a decile boundary (see gainsTable). */
  positives: number;
  conversion: number | null;
  /** conversion / base conversion. */
  lift: number | null;
  cumulative_leads: number;
  cumulative_positives: number;
  /** Share of all positives found in deciles 1..this (the gains curve). */
  gain: number | null;
  cumulative_lift: number | null;
  score_min: number | null;
  score_max: number | null;
}

/**
 * Gains and lift by decile of score (descending). Decile d holds the leads ranked
 * floor((d−1)·n/10)+1 .. floor(d·n/10). Leads with equal scores cannot be ordered, so a tie group that
 * straddles a decile boundary is shared: each decile gets its seats' share of the group's positives
 * (the expectation over every order of the tied leads). The result does not depend on the input order.
 */
export function gainsTable(r: Ranked, bins = 10): GainsRow[] {
  const { order, groups, labels, scores, counts } = r;
  const n = counts.leads;
  const base = n ? counts.positives / n : 0;
  const bounds: number[] = [];
  for (let d = 0; d <= bins; d++) bounds.push(Math.floor((d * n) / bins));
  const pos = new Float64Array(bins);
  const smin = new Array<number | null>(bins).fill(null);
  const smax = new Array<number | null>(bins).fill(null);
  for (let g = 0; g < groups.length - 1; g++) {
    const a = groups[g]!;
    const b = groups[g + 1]!;
    let gp = 0;
    for (let k = a; k < b; k++) if (labels[order[k]!] === 1) gp++;
    const s = scores[order[a]!]!;
    for (let d = 0; d < bins; d++) {
      const lo = Math.max(a, bounds[d]!);
      const hi = Math.min(b, bounds[d + 1]!);
      if (hi <= lo) continue;
      pos[d]! += (gp * (hi - lo)) / (b - a);
      if (smax[d] === null) smax[d] = s;
      smin[d] = s;
    }
  }
  const rows: GainsRow[] = [];
  let cl = 0;
  let cp = 0;
  for (let d = 0; d < bins; d++) {
    const leads = bounds[d + 1]! - bounds[d]!;
    cl += leads;
    cp += pos[d]!;
    const conv = leads ? pos[d]! / leads : null;
    rows.push({
      decile: d + 1,
      leads,
      positives: pos[d]!,
      conversion: conv,
      lift: conv !== null && base > 0 ? conv / base : null,
      cumulative_leads: cl,
      cumulative_positives: cp,
      gain: counts.positives ? cp / counts.positives : null,
      cumulative_lift: cl && base > 0 ? cp / cl / base : null,
      score_min: smin[d]!,
      score_max: smax[d]!,
    });
  }
  return rows;
}

export interface GroupRate {
  name: string;
  leads: number;
  positives: number;
  conversion: number | null;
  lift: number | null;
}

/**
 * Conversion per group (band, grade): `group[i]` is lead i's group index into `names`, or −1 (left out).
 * Every name gets a row, also groups without leads.
 */
export function conversionByGroup(group: ArrayLike<number>, labels: Labels, names: readonly string[]): GroupRate[] {
  const leads = new Array<number>(names.length).fill(0);
  const pos = new Array<number>(names.length).fill(0);
  let n = 0;
  let p = 0;
  for (let i = 0; i < labels.length; i++) {
    const g = group[i]!;
    n++;
    if (labels[i] === 1) p++;
    if (g < 0 || g >= names.length) continue;
    leads[g]!++;
    if (labels[i] === 1) pos[g]!++;
  }
  const base = n ? p / n : 0;
  return names.map((name, g) => {
    const conv = leads[g] ? pos[g]! / leads[g]! : null;
    return { name, leads: leads[g]!, positives: pos[g]!, conversion: conv, lift: conv !== null && base > 0 ? conv / base : null };
  });
}

export interface CalibrationRow {
  decile: number;
  leads: number;
  mean_predicted: number | null;
  observed: number | null;
}

export interface Calibration {
  /** Mean squared difference between predicted probability and outcome (0 = perfect). */
  brier: number | null;
  deciles: CalibrationRow[];
}

/**
 * Calibration of predicted probabilities (`p[i]` in [0, 1]): mean predicted vs observed conversion by
 * decile of p (descending, ties shared as in gainsTable), and the Brier score.
 */
export function calibration(p: Scores, labels: Labels, bins = 10): Calibration {
  const r = rank(p, labels);
  const n = labels.length;
  let brier = 0;
  for (let i = 0; i < n; i++) brier += (p[i]! - labels[i]!) ** 2;
  const gains = gainsTable(r, bins);
  const bounds: number[] = [];
  for (let d = 0; d <= bins; d++) bounds.push(Math.floor((d * n) / bins));
  const deciles = gains.map((g, d) => {
    let sum = 0;
    for (let k = bounds[d]!; k < bounds[d + 1]!; k++) sum += p[r.order[k]!]!;
    return { decile: g.decile, leads: g.leads, mean_predicted: g.leads ? sum / g.leads : null, observed: g.conversion };
  });
  return { brier: n ? brier / n : null, deciles };
}

/**
 * Logistic regression of the outcome on one variable x (Newton-Raphson, a few iterations):
 * log-odds = intercept + slope·x. Null when it does not converge (e.g. x separates the classes).
 */
export function logisticSlope(x: Scores, labels: Labels): { intercept: number; slope: number } | null {
  const n = labels.length;
  const c = classCounts(labels);
  if (undefinedReason(c)) return null;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i]!;
  mean /= n;
  let sd = 0;
  for (let i = 0; i < n; i++) sd += (x[i]! - mean) ** 2;
  sd = Math.sqrt(sd / n);
  if (!(sd > 0)) return null;
  // standardised x for a well-conditioned Newton step
  let b0 = Math.log(c.positives / c.negatives);
  let b1 = 0;
  for (let it = 0; it < 50; it++) {
    let g0 = 0, g1 = 0, h00 = 0, h01 = 0, h11 = 0;
    for (let i = 0; i < n; i++) {
      const z = (x[i]! - mean) / sd;
      const pr = 1 / (1 + Math.exp(-(b0 + b1 * z)));
      const e = labels[i]! - pr;
      const w = pr * (1 - pr);
      g0 += e;
      g1 += e * z;
      h00 += w;
      h01 += w * z;
      h11 += w * z * z;
    }
    const det = h00 * h11 - h01 * h01;
    if (!(det > 1e-12)) return null;
    const d0 = (h11 * g0 - h01 * g1) / det;
    const d1 = (h00 * g1 - h01 * g0) / det;
    b0 += d0;
    b1 += d1;
    if (!Number.isFinite(b0) || !Number.isFinite(b1) || Math.abs(b1) > 50) return null;
    if (Math.abs(d0) < 1e-10 && Math.abs(d1) < 1e-10) break;
  }
  const slope = b1 / sd;
  return { intercept: b0 - slope * mean, slope };
}

export interface ReliabilityBin {
  /** Predicted probability range [from, to) (the last bin includes 1). */
  from: number;
  to: number;
  leads: number;
  mean_predicted: number | null;
  observed: number | null;
}

export interface Reliability {
  /** Expected calibration error: Σ (leads in bin / leads) × |mean predicted − observed|, equal-width bins. */
  ece: number | null;
  brier: number | null;
  bins: ReliabilityBin[];
}

/**
 * Reliability table of predicted probabilities over `bins` equal-width bins of p (0–10 %, 10–20 %, ...),
 * and the expected calibration error (ECE) over them: how far "p = 30 %" is from 30 % of such leads
 * converting, on average over the leads. `rows`: the leads to use (default all).
 */
export function reliability(p: Scores, labels: Labels, rows?: ArrayLike<number>, bins = 10): Reliability {
  const leads = new Float64Array(bins);
  const sumP = new Float64Array(bins);
  const pos = new Float64Array(bins);
  const n = rows ? rows.length : labels.length;
  let brier = 0;
  for (let k = 0; k < n; k++) {
    const i = rows ? rows[k]! : k;
    const pi = p[i]!;
    const b = Math.min(bins - 1, Math.max(0, Math.floor(pi * bins)));
    leads[b]!++;
    sumP[b]! += pi;
    pos[b]! += labels[i]!;
    brier += (pi - labels[i]!) ** 2;
  }
  let ece = 0;
  const out: ReliabilityBin[] = [];
  for (let b = 0; b < bins; b++) {
    const m = leads[b]! ? sumP[b]! / leads[b]! : null;
    const o = leads[b]! ? pos[b]! / leads[b]! : null;
    if (m !== null && o !== null) ece += (leads[b]! / n) * Math.abs(m - o);
    out.push({ from: b / bins, to: (b + 1) / bins, leads: leads[b]!, mean_predicted: m, observed: o });
  }
  return { ece: n ? ece : null, brier: n ? brier / n : null, bins: out };
}
