// `leadscore train`, the pure part: candidate columns + outcome -> a fitted predictive section, the
// holdout figures, proposed bands, and (for --as-points) a scorecard of ordinary fit rules.
//   1. stratified holdout (seeded) kept out of everything below;
//   2. an encoding plan per candidate column from the training rows (encode.ts);
//   3. id-like columns (detect.ts) are left out; the leakage guard (leakage.ts) leaves out features that
//      look recorded after the outcome, unless the user named them (--features, --keep);
//   4. penalty by stratified k-fold cross-validation over the C grid, then a final fit on all
//      training rows; holdout AUC of 100 × p.
import { quantile } from '../stats.js';
import type { Band, FitRule, PredictiveSection } from '../model/types.js';
import { toSnakeCase } from '../text.js';
import { type NumberFormat } from '../value.js';
import { chooseC, C_GRID, stratifiedHoldout } from './cv.js';
import {
  type CategoricalPlan,
  type Dropped,
  encodeDesign,
  type FeaturePlan,
  layoutOf,
  type NumericPlan,
  planFeature,
  singleFeatureAuc,
  toSection,
  type TrainColumn,
} from './encode.js';
import { aucOf, fitLogistic, linearPredictor, sigmoid } from './logistic.js';
import { minOf } from '../numbers.js';
import { leakVerdicts } from './leakage.js';
import { idLikeReason } from '../detect.js';
export { LEAK_AUC } from './leakage.js';

/** Above this single-feature AUC a feature is kept but named in a note: check it is known before the outcome. */
export const STRONG_AUC = 0.8;

export interface TrainOptions {
  holdout: number;
  seed: number;
  folds?: number;
  /** Features the user named with --features or --keep: kept even when the leakage guard or the id
   *  detection would leave them out. */
  forced?: readonly string[];
  /** false: no leakage guard at all (tests, benchmarks). Default on. */
  leakGuard?: boolean;
  numberFormat?: NumberFormat;
  /** Penalty grid (C values); default C_GRID. */
  grid?: readonly number[];
  asPoints?: boolean;
}

export interface Leak {
  name: string;
  auc: number;
  /** Set when the feature is filled only for rows of one class. */
  onlyClass?: 'positive' | 'negative';
  /** Kept because --features or --keep named it. */
  kept: boolean;
  /** Why it looks recorded after the outcome, in plain words (leakage.ts). */
  reasons: string[];
}

export interface Scorecard {
  rules: FitRule[];
  /** Score points per unit of log-odds. */
  factor: number;
  holdoutAuc: number;
  bands: Band[];
  /** Features that the scorecard cannot express as fit rules (activity aggregates). */
  leftOut: string[];
}

export interface TrainResult {
  section: PredictiveSection;
  plans: FeaturePlan[];
  dropped: Dropped[];
  leaks: Leak[];
  /** Single-feature AUC of every planned feature (training rows). */
  featureAuc: Map<string, number>;
  train: Int32Array;
  holdout: Int32Array;
  positives: { train: number; holdout: number };
  c: number;
  cvLogLoss: number[];
  grid: readonly number[];
  folds: number;
  iterations: number;
  converged: boolean;
  trainAuc: number;
  holdoutAuc: number;
  /** Probability of every row (training and holdout). */
  probability: Float64Array;
  bands: Band[];
  encodedColumns: number;
  scorecard?: Scorecard;
}

export type TrainOutcome = { ok: true; result: TrainResult } | { ok: false; code: string; message: string; hint?: string };

export function train(columns: readonly TrainColumn[], y: Uint8Array, o: TrainOptions): TrainOutcome {
  const n = y.length;
  const k = o.folds ?? 5;
  let positives = 0;
  for (let i = 0; i < n; i++) positives += y[i]!;
  if (positives < k || n - positives < k) {
    return { ok: false, code: 'LS144', message: `the outcome has ${positives} positive and ${n - positives} negative rows; training needs at least ${k} of each in the training part`, hint: 'check --outcome and --positive, or give more rows' };
  }
  const { train: trainRows, holdout } = o.holdout > 0 ? stratifiedHoldout(y, o.holdout, o.seed) : { train: Int32Array.from({ length: n }, (_, i) => i), holdout: new Int32Array(0) };
  let trainPos = 0;
  for (const i of trainRows) trainPos += y[i]!;
  if (trainPos < k || trainRows.length - trainPos < k) {
    return { ok: false, code: 'LS144', message: `after the holdout, the training rows have ${trainPos} positives and ${trainRows.length - trainPos} negatives; cross-validation needs at least ${k} of each`, hint: 'lower --holdout or give more rows' };
  }
  const forced = new Set((o.forced ?? []).map((s) => s.trim().toLowerCase()));
  const planned: FeaturePlan[] = [];
  const dropped: Dropped[] = [];
  const leaks: Leak[] = [];
  const featureAuc = new Map<string, number>();
  for (const col of columns) {
    // an id-like column identifies a lead, it does not describe it (detect.ts, shared with init)
    if (col.kind === 'text' && !forced.has(col.name.toLowerCase())) {
      const id = idLikeReason(col.name, col.cells);
      if (id) {
        dropped.push({ name: col.name, reason: id });
        continue;
      }
    }
    const plan = planFeature(col, trainRows, o.numberFormat ? { numberFormat: o.numberFormat } : {});
    if (!('type' in plan)) {
      dropped.push(plan);
      continue;
    }
    featureAuc.set(plan.name, singleFeatureAuc(plan, y, trainRows));
    planned.push(plan);
  }
  const plans: FeaturePlan[] = [];
  const verdicts = leakVerdicts(planned, featureAuc, y, trainRows);
  planned.forEach((plan, j) => {
    const v = verdicts[j]!;
    if (v.leak && o.leakGuard !== false) {
      const kept = forced.has(plan.name.toLowerCase());
      leaks.push({ name: plan.name, auc: v.signals.auc, ...(v.signals.onlyClass ? { onlyClass: v.signals.onlyClass } : {}), kept, reasons: v.reasons });
      if (!kept) return;
    }
    plans.push(plan);
  });
  if (plans.length === 0) {
    return { ok: false, code: 'LS145', message: 'no usable feature: every candidate column was left out', hint: 'see the notes above; name features with --features' };
  }
  const layout = layoutOf(plans);
  const X = encodeDesign(layout, n);
  const grid = o.grid ?? C_GRID;
  const cv = chooseC(X, y, trainRows, k, o.seed, grid);
  const fit = fitLogistic(X, y, { lambda: 1 / cv.c, subset: trainRows });
  const probability = new Float64Array(n);
  for (let i = 0; i < n; i++) probability[i] = sigmoid(linearPredictor(X, i, fit.intercept, fit.coef));
  const section = toSection(layout, fit.intercept, fit.coef);
  const trainAuc = aucOf(probability, y, trainRows);
  const holdoutAuc = holdout.length ? aucOf(probability, y, holdout) : NaN;
  const scores = Array.from(holdout.length ? holdout : trainRows, (i) => 100 * probability[i]!);
  const result: TrainResult = {
    section, plans, dropped, leaks, featureAuc, train: trainRows, holdout,
    positives: { train: trainPos, holdout: positives - trainPos },
    c: cv.c, cvLogLoss: cv.logLoss, grid, folds: k, iterations: fit.iterations, converged: fit.converged,
    trainAuc, holdoutAuc, probability, bands: proposeBands(scores), encodedColumns: layout.cols,
  };
  if (o.asPoints) result.scorecard = scorecard(result, columns, y);
  return { ok: true, result };
}

/** Value at quantile q (0..1) of sorted xs, by the nearest-rank-below rule (src/core/stats.ts). */
function quantileSorted(xs: readonly number[], q: number): number {
  return quantile(xs, q, 'lower');
}

/** Shares of leads at or above each band's min, from the top: SQL 10%, MQL 30%, IQL 60%. */
export const BAND_SHARES: readonly { name: string; top: number }[] = [
  { name: 'SQL', top: 0.1 },
  { name: 'MQL', top: 0.3 },
  { name: 'IQL', top: 0.6 },
];

/**
 * Bands from scores (0..100): each band's min is the score above which its top share of the leads
 * lie (rounded down to 2 decimals), highest first, then a catch-all `cold`. Equal cut-offs collapse.
 */
export function proposeBands(scores: readonly number[]): Band[] {
  const sorted = [...scores].sort((a, b) => a - b);
  const bands: Band[] = [];
  let last = Infinity;
  for (const b of BAND_SHARES) {
    const min = Math.floor(quantileSorted(sorted, 1 - b.top) * 100) / 100;
    if (min >= last || min <= 0) continue;
    bands.push({ name: b.name, min });
    last = min;
  }
  bands.push({ name: 'cold' });
  return bands;
}

export interface BandFigures {
  name: string;
  min: number | null;
  /** Leads in the band (score in [min, the next band's min)). */
  leads: number;
  /** Conversion rate of the leads in the band. */
  conversion: number | null;
  /** Calling every lead at or above the band's min: the share of them that converted. */
  precision: number | null;
  /** ... and the share of all converted leads they catch. */
  recall: number | null;
}

/** What each band would have given on `rows` (e.g. the holdout): `score[i]` in 0..100 per row. */
export function bandFigures(bands: readonly Band[], score: ArrayLike<number>, y: Uint8Array, rows: ArrayLike<number>): BandFigures[] {
  let positives = 0;
  for (let k = 0; k < rows.length; k++) positives += y[rows[k]!]!;
  let prevMin = Infinity;
  return bands.map((b) => {
    const min = b.min ?? -Infinity;
    let above = 0;
    let abovePos = 0;
    let inBand = 0;
    let inBandPos = 0;
    for (let k = 0; k < rows.length; k++) {
      const i = rows[k]!;
      const sc = score[i]!;
      if (sc >= min) {
        above++;
        abovePos += y[i]!;
        if (sc < prevMin) {
          inBand++;
          inBandPos += y[i]!;
        }
      }
    }
    prevMin = min;
    return {
      name: b.name, min: b.min ?? null, leads: inBand,
      conversion: inBand ? inBandPos / inBand : null,
      precision: above ? abovePos / above : null,
      recall: positives ? abovePos / positives : null,
    };
  });
}

// ---------------------------------------------------------------------------------------------------
// Scorecard (--as-points)

const BINS = 5;

/** Bins of a numeric feature: ascending lower bounds (the first is -Infinity), ~equal row counts. */
export function quantileBins(values: readonly number[], bins = BINS): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const target = n / bins;
  const lows: number[] = [-Infinity];
  let inBin = 0;
  let i = 0;
  while (i < n) {
    let j = i;
    while (j < n && sorted[j] === sorted[i]) j++;
    inBin += j - i;
    i = j;
    if (inBin >= target && i < n) {
      lows.push(sorted[i]!);
      inBin = 0;
    }
  }
  // a last bin with fewer than half the target rows joins the one before it
  if (lows.length > 1 && inBin < target / 2) lows.pop();
  return lows;
}

function scorecard(r: TrainResult, columns: readonly TrainColumn[], y: Uint8Array): Scorecard {
  // Each feature: its options (rule pieces) with the log-odds term each stands for.
  type Option = { term: number; test: (i: number) => boolean; rule: (points: number) => { kind: 'value'; key: string; points: number } | { kind: 'range'; min?: number; points: number } | { kind: 'if'; id: string; condition: 'missing' | { notIn: string[] }; points: number } };
  const leftOut: string[] = [];
  const features: { name: string; options: Option[] }[] = [];
  const byName = new Map(columns.map((c) => [c.name, c]));
  r.section.features.forEach((f, j) => {
    const plan = r.plans[j] as FeaturePlan;
    const col = byName.get(f.name);
    if (!col || col.kind !== 'text') {
      leftOut.push(f.name);
      return;
    }
    const options: Option[] = [];
    if (f.type === 'categorical') {
      const p = plan as CategoricalPlan;
      const kept = new Set(p.levels);
      for (const l of f.levels) options.push({ term: l.coefficient, test: (i) => p.keys[i] === l.level, rule: (points) => ({ kind: 'value', key: l.level, points }) });
      // options only for what training saw: a new level or a missing value later gets the lowest points (0)
      if (p.hasOther) options.push({ term: f.other, test: (i) => p.keys[i] !== undefined && !kept.has(p.keys[i] as string), rule: (points) => ({ kind: 'if', id: 'other', condition: { notIn: p.levels }, points }) });
      if (p.hasMissing) options.push({ term: f.missing, test: (i) => p.keys[i] === undefined, rule: (points) => ({ kind: 'if', id: 'missing', condition: 'missing', points }) });
    } else {
      const p = plan as NumericPlan;
      const trainValues: number[] = [];
      for (const i of r.train) if (Number.isFinite(p.values[i]!)) trainValues.push(p.values[i]!);
      const lows = quantileBins(trainValues);
      const binOf = (v: number) => {
        let b = 0;
        while (b + 1 < lows.length && v >= lows[b + 1]!) b++;
        return b;
      };
      const sum = new Float64Array(lows.length);
      const cnt = new Float64Array(lows.length);
      for (const i of r.train) {
        const v = p.values[i]!;
        if (!Number.isFinite(v)) continue;
        const b = binOf(v);
        const t = f.transform === 'log1p' ? Math.log1p(v) : v;
        sum[b] = sum[b]! + (t - f.mean) / f.sd;
        cnt[b] = cnt[b]! + 1;
      }
      lows.forEach((low, b) => {
        const term = f.coefficient * (cnt[b]! ? sum[b]! / cnt[b]! : 0);
        options.push({
          term,
          test: (i) => Number.isFinite(p.values[i]!) && binOf(p.values[i]!) === b,
          rule: (points) => (low === -Infinity ? { kind: 'range', points } : { kind: 'range', min: low, points }),
        });
      });
      if (p.hasMissing) options.push({ term: f.missing, test: (i) => !Number.isFinite(p.values[i]!), rule: (points) => ({ kind: 'if', id: 'missing', condition: 'missing', points }) });
    }
    features.push({ name: f.name, options });
  });
  // Shift every feature so that its lowest option is 0, then scale so that the 99th percentile of
  // the training leads' totals is 100 points.
  const shifted = features.map((f) => {
    const min = minOf(f.options.map((o) => o.term));
    return { ...f, options: f.options.map((o) => ({ ...o, term: o.term - min })) };
  });
  const rawTotal = (i: number) => {
    let s = 0;
    for (const f of shifted) for (const o of f.options) if (o.test(i)) {
      s += o.term;
      break;
    }
    return s;
  };
  const totals = Array.from(r.train, rawTotal).sort((a, b) => a - b);
  const q99 = quantileSorted(totals, 0.99);
  const factor = q99 > 0 ? 100 / q99 : 1;
  const rules: FitRule[] = [];
  const pointsOf = (term: number) => {
    const p = Math.round(term * factor);
    return p === 0 ? 0 : p;
  };
  const usedIds = new Set<string>();
  const idFor = (s: string) => {
    let id = toSnakeCase(s) || 'feature';
    while (usedIds.has(id)) id += '_';
    usedIds.add(id);
    return id;
  };
  for (const f of shifted) {
    const values: { key: string; points: number }[] = [];
    const ranges: { min?: number; points: number }[] = [];
    const extra: FitRule[] = [];
    for (const o of f.options) {
      const points = pointsOf(o.term);
      const piece = o.rule(points);
      if (piece.kind === 'value') {
        if (points !== 0) values.push({ key: piece.key, points });
      } else if (piece.kind === 'range') {
        ranges.push({ ...(piece.min !== undefined ? { min: piece.min } : {}), points });
      } else if (points !== 0) {
        const id = idFor(`${f.name}_${piece.id}`);
        const path = `fit.rules[${rules.length + extra.length + 1}]`;
        const condition = piece.condition === 'missing'
          ? { kind: 'leaf' as const, field: f.name, ops: [{ op: 'missing' as const, value: true }], path: `${path}.if` }
          : { kind: 'leaf' as const, field: f.name, ops: [{ op: 'not_in' as const, value: piece.condition.notIn }], path: `${path}.if` };
        extra.push({ id, kind: 'if', condition, points, path });
      }
    }
    if (values.length) rules.push({ id: idFor(f.name), kind: 'values', field: f.name, values, path: `fit.rules[${rules.length}]` });
    // ranges highest first (open-ended tiers); bins worth 0 points at the bottom can go
    const tiers = ranges.reverse();
    while (tiers.length && tiers[tiers.length - 1]!.points === 0) tiers.pop();
    if (tiers.length) rules.push({ id: idFor(f.name), kind: 'ranges', field: f.name, ranges: tiers, path: `fit.rules[${rules.length}]` });
    rules.push(...extra);
  }
  // holdout AUC of the scorecard: the score the rules give (clamped to 0..100)
  const evalRows = r.holdout.length ? r.holdout : r.train;
  const score = new Float64Array(y.length);
  for (const i of evalRows) {
    let s = 0;
    for (const f of shifted) for (const o of f.options) if (o.test(i)) {
      s += pointsOf(o.term);
      break;
    }
    score[i] = Math.min(100, Math.max(0, s));
  }
  const holdoutAuc = aucOf(score, y, evalRows);
  return { rules, factor, holdoutAuc, bands: proposeBands(Array.from(evalRows, (i) => score[i]!)), leftOut };
}
