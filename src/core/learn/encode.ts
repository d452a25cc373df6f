// Feature encoding for `leadscore train`, decided from the training rows only (never the holdout):
// - numeric or categorical: a column is numeric when at least NUMERIC_SHARE of its present values parse
//   as numbers (parseNumber); the rest of its values then count as missing;
// - numeric: log1p when the right tail is heavy (skewness > 2 and min >= 0), then standardised with the
//   training mean and (population) standard deviation; a missing value is encoded 0 (the mean) plus a
//   missing indicator column;
// - categorical: one-hot over case-folded levels; a level seen in fewer than max(MIN_LEVEL_ROWS,
//   MIN_LEVEL_SHARE × rows) training rows is pooled into `other`; missing is its own indicator.
// The plan is written into the model (predictive section), and the scorer (score/predictive.ts)
// encodes a lead with the same functions.
import type { PredictiveFeature, PredictiveSection } from '../model/types.js';
import { levelKey, numericEncoded } from '../score/predictive.js';
import { type NumberFormat, parseNumber } from '../value.js';
import { aucOf, type Design } from './logistic.js';

/** A candidate feature's values for every row: text cells (trimmed, undefined = missing) or numbers (NaN = missing). */
export type TrainColumn =
  | { name: string; kind: 'text'; cells: readonly (string | undefined)[] }
  | { name: string; kind: 'number'; values: Float64Array };

export const NUMERIC_SHARE = 0.95;
export const MIN_LEVEL_ROWS = 20;
export const MIN_LEVEL_SHARE = 0.01;
export const MAX_LEVELS = 100;
export const SKEW_LOG1P = 2;

export interface NumericPlan {
  name: string;
  type: 'numeric';
  transform: 'none' | 'log1p';
  mean: number;
  sd: number;
  /** Some training row is missing: a missing indicator column is fitted. */
  hasMissing: boolean;
  /** Parsed values of every row (NaN = missing). */
  values: Float64Array;
  skewness: number;
}

export interface CategoricalPlan {
  name: string;
  type: 'categorical';
  /** Kept levels (case-folded), most frequent first. */
  levels: string[];
  /** Some training row has a pooled (rare) level: an `other` column is fitted. */
  hasOther: boolean;
  hasMissing: boolean;
  /** Case-folded level of every row (undefined = missing). */
  keys: readonly (string | undefined)[];
  /** Training rows pooled into other. */
  pooledRows: number;
}

export type FeaturePlan = NumericPlan | CategoricalPlan;

export interface Dropped {
  name: string;
  reason: string;
}

export interface PlanOptions {
  numberFormat?: NumberFormat;
  minLevelRows?: number;
  minLevelShare?: number;
}

function moments(xs: number[]): { mean: number; sd: number; skewness: number; min: number } {
  const n = xs.length;
  let mean = 0;
  let min = Infinity;
  for (const x of xs) {
    mean += x;
    if (x < min) min = x;
  }
  mean /= n;
  let m2 = 0;
  let m3 = 0;
  for (const x of xs) {
    const d = x - mean;
    m2 += d * d;
    m3 += d * d * d;
  }
  m2 /= n;
  m3 /= n;
  return { mean, sd: Math.sqrt(m2), skewness: m2 > 0 ? m3 / m2 ** 1.5 : 0, min };
}

/** Decide how a candidate column is encoded, from the training rows; or why it is left out. */
export function planFeature(col: TrainColumn, train: Int32Array, opts: PlanOptions = {}): FeaturePlan | Dropped {
  const fmt = opts.numberFormat ?? 'point';
  const n = col.kind === 'text' ? col.cells.length : col.values.length;
  let values: Float64Array | undefined;
  if (col.kind === 'number') values = col.values;
  else {
    let presentCount = 0;
    let numeric = 0;
    const parsed = new Float64Array(n).fill(NaN);
    for (let i = 0; i < n; i++) {
      const c = col.cells[i];
      if (c === undefined) continue;
      const v = parseNumber(c, fmt);
      parsed[i] = v;
    }
    for (const i of train) {
      if (col.cells[i] === undefined) continue;
      presentCount++;
      if (!Number.isNaN(parsed[i]!)) numeric++;
    }
    if (presentCount === 0) return { name: col.name, reason: 'no value in the training rows' };
    if (numeric / presentCount >= NUMERIC_SHARE) values = parsed;
  }
  if (values) {
    const xs: number[] = [];
    let hasMissing = false;
    for (const i of train) {
      const v = values[i]!;
      if (Number.isFinite(v)) xs.push(v);
      else hasMissing = true;
    }
    if (xs.length === 0) return { name: col.name, reason: 'no value in the training rows' };
    const raw = moments(xs);
    if (raw.sd === 0) return { name: col.name, reason: `constant (${xs[0]}) in the training rows` };
    const transform = raw.skewness > SKEW_LOG1P && raw.min >= 0 ? 'log1p' : 'none';
    const m = transform === 'log1p' ? moments(xs.map((x) => Math.log1p(x))) : raw;
    return { name: col.name, type: 'numeric', transform, mean: m.mean, sd: m.sd, hasMissing, values, skewness: raw.skewness };
  }
  // categorical
  const cells = (col as { cells: readonly (string | undefined)[] }).cells;
  const keys = cells.map((c) => (c === undefined ? undefined : levelKey(c)));
  const counts = new Map<string, number>();
  let hasMissing = false;
  for (const i of train) {
    const k = keys[i];
    if (k === undefined) hasMissing = true;
    else counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const minRows = Math.max(opts.minLevelRows ?? MIN_LEVEL_ROWS, Math.ceil((opts.minLevelShare ?? MIN_LEVEL_SHARE) * train.length));
  const sorted = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const kept = sorted.filter(([, c]) => c >= minRows).slice(0, MAX_LEVELS);
  const keptSet = new Set(kept.map(([k]) => k));
  let pooledRows = 0;
  for (const [k, c] of sorted) if (!keptSet.has(k)) pooledRows += c;
  const presentRows = train.length - (hasMissing ? train.reduce((s, i) => s + (keys[i] === undefined ? 1 : 0), 0) : 0);
  if (presentRows > 0 && pooledRows / presentRows > 0.5) {
    return { name: col.name, reason: `${counts.size} distinct values, most of them rare: an id or free text, not a category` };
  }
  const groups = kept.length + (pooledRows > 0 ? 1 : 0) + (hasMissing ? 1 : 0);
  if (groups < 2) return { name: col.name, reason: 'a single value in the training rows' };
  return { name: col.name, type: 'categorical', levels: kept.map(([k]) => k), hasOther: pooledRows > 0, hasMissing, keys, pooledRows };
}

/** Where each plan's encoded columns are in the design matrix. */
export interface Layout {
  cols: number;
  features: {
    plan: FeaturePlan;
    /** numeric: the value column; categorical: unused (-1). */
    value: number;
    missing: number;
    other: number;
    /** categorical: column of each kept level (same order as plan.levels). */
    levels: Map<string, number>;
  }[];
}

export function layoutOf(plans: readonly FeaturePlan[]): Layout {
  let c = 0;
  const features = plans.map((plan) => {
    const levels = new Map<string, number>();
    let value = -1;
    let other = -1;
    if (plan.type === 'numeric') value = c++;
    else {
      for (const l of plan.levels) levels.set(l, c++);
      if (plan.hasOther) other = c++;
    }
    const missing = plan.hasMissing ? c++ : -1;
    return { plan, value, missing, other, levels };
  });
  return { cols: c, features };
}

/** Encode every row (training and holdout alike) with the plans. */
export function encodeDesign(layout: Layout, rows: number): Design {
  const rowPtr = new Int32Array(rows + 1);
  const col: number[] = [];
  const val: number[] = [];
  for (let i = 0; i < rows; i++) {
    for (const f of layout.features) {
      const plan = f.plan;
      if (plan.type === 'numeric') {
        const x = numericEncoded(plan, plan.values[i]);
        if (x === undefined) {
          if (f.missing >= 0) {
            col.push(f.missing);
            val.push(1);
          }
        } else if (x !== 0) {
          col.push(f.value);
          val.push(x);
        }
      } else {
        const k = plan.keys[i];
        const c = k === undefined ? f.missing : f.levels.get(k) ?? f.other;
        if (c >= 0) {
          col.push(c);
          val.push(1);
        }
      }
    }
    rowPtr[i + 1] = col.length;
  }
  return { rows, cols: layout.cols, rowPtr, col: Int32Array.from(col), val: Float64Array.from(val) };
}

/** The fitted predictive section: the plans with their coefficients. */
export function toSection(layout: Layout, intercept: number, coef: Float64Array): PredictiveSection {
  const c = (i: number) => (i >= 0 ? coef[i]! : 0);
  const features: PredictiveFeature[] = layout.features.map((f) => {
    const plan = f.plan;
    if (plan.type === 'numeric') {
      return {
        name: plan.name, type: 'numeric', transform: plan.transform, mean: plan.mean, sd: plan.sd,
        coefficient: c(f.value), missing: c(f.missing),
      };
    }
    return {
      name: plan.name, type: 'categorical',
      levels: plan.levels.map((level) => ({ level, coefficient: c(f.levels.get(level) ?? -1) })),
      other: c(f.other), missing: c(f.missing),
    };
  });
  return { intercept, features, weight: 1 };
}

/**
 * Single-feature AUC on the training rows (max of AUC and 1 - AUC, so direction does not matter):
 * numeric features rank by value (missing rows ranked by the positive rate of the missing group);
 * categorical features by the positive rate of each level (pooled levels as one group).
 */
export function singleFeatureAuc(plan: FeaturePlan, y: Uint8Array, train: Int32Array): number {
  const score = new Float64Array(y.length);
  if (plan.type === 'numeric') {
    // missing rows: one group, placed by its positive rate among the value ranks would be arbitrary;
    // rank them below every value (a field filled only for one class then shows as separating)
    for (const i of train) {
      const v = plan.values[i]!;
      score[i] = Number.isFinite(v) ? v : -Infinity;
    }
  } else {
    const kept = new Set(plan.levels);
    const group = (i: number) => {
      const k = plan.keys[i];
      return k === undefined ? '\u0000missing' : kept.has(k) ? k : '\u0000other';
    };
    const pos = new Map<string, number>();
    const all = new Map<string, number>();
    for (const i of train) {
      const g = group(i);
      all.set(g, (all.get(g) ?? 0) + 1);
      if (y[i]) pos.set(g, (pos.get(g) ?? 0) + 1);
    }
    for (const i of train) {
      const g = group(i);
      score[i] = (pos.get(g) ?? 0) / (all.get(g) as number);
    }
  }
  const auc = aucOf(score, y, train);
  return Number.isNaN(auc) ? 0.5 : Math.max(auc, 1 - auc);
}
