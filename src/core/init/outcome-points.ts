// `leadscore init --outcome COL` (pure): fit rules whose points come from the data — the manual method
// practitioners use, the close rate per attribute against the average:
//   - every categorical column: each value's conversion rate (smoothed towards the average with
//     SMOOTHING pseudo-leads) against the average rate, as points = POINTS_PER_DOUBLING × log2(rate /
//     average): a value converting twice as often as the average is worth +10, half as often −10;
//   - every numeric column: the same per quantile bin (up to 5 bins of about equal size);
//   - a missing value and the pooled rare values are options of their own;
//   - each column's options are shifted so that its lowest is 0 (scores stay in 0..100 without a
//     clamp at 0 flattening the bottom), and all points are scaled down when the 99th percentile of the
//     sample's totals would be above 100 (60 when engagement takes the other 60);
//   - left out, with a comment saying why: the id column, id-like columns and columns that look recorded
//     after the outcome (the leakage guard of `train`, src/core/learn/leakage.ts), columns with no
//     signal (AUC alone below MIN_AUC: the better of the raw order and the column's own options, so a
//     numeric column whose rate rises and falls again counts), and columns that repeat what stronger
//     ones say: strongest first, a column is kept only when it raises the sample AUC of the sum of the
//     columns kept before it by MIN_GAIN (the manual method adds up every attribute's lift as if they
//     were independent; on the bank-marketing data pdays, previous and poutcome all say "contacted
//     before", and counting that three times cost 0.009 of holdout AUC: docs/operations.md).
import { idLikeReason } from '../detect.js';
import { type FeaturePlan, planFeature, singleFeatureAuc } from '../learn/encode.js';
import { leakVerdicts } from '../learn/leakage.js';
import { proposeBands, quantileBins } from '../learn/train.js';
import { aucOf } from '../learn/logistic.js';
import type { Band } from '../model/types.js';
import { makeNulls, present } from '../value.js';

export const POINTS_PER_DOUBLING = 10;
export const SMOOTHING = 10;
export const MIN_AUC = 0.52;
export const MAX_RULES = 15;
/** A column is kept when it raises the sample AUC of the columns before it by at least this much. */
export const MIN_GAIN = 0.001;

/** Each lead's log2 lift from the first option that holds for it (0 when none does). */
function optionLifts(options: readonly { test: (i: number) => boolean; lift: number }[], n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const o = options.find((x) => x.test(i));
    out[i] = o ? o.lift : 0;
  }
  return out;
}

export type OutcomeOption =
  | { kind: 'value'; value: string }
  | { kind: 'range'; min?: number }
  | { kind: 'missing' }
  | { kind: 'other'; listed: string[] };

export interface OutcomeRule {
  column: string;
  auc: number;
  /** Each option with its leads in the sample, conversion rate and points (after shift and scale). */
  options: { option: OutcomeOption; leads: number; rate: number; points: number; label: string }[];
}

export interface OutcomePoints {
  rules: OutcomeRule[];
  average: number;
  leads: number;
  positives: number;
  /** Columns left out, with why. */
  leftOut: { column: string; reason: string }[];
  /** Bands from the sample's scores (top 10 / 30 / 60 %). */
  bands: Band[];
  /** Score points per unit of log2 lift after scaling. */
  factor: number;
}

/**
 * Points from the sample: `rows` row-major, `y[i]` = 1 when row i converted. `skip`: columns that are
 * not candidates (the outcome, the id). `nullValues`: cells read as missing.
 */
export function outcomePoints(header: readonly string[], rows: readonly (readonly string[])[], y: Uint8Array, skip: ReadonlySet<number>, nullValues: readonly string[], top = 100): OutcomePoints {
  const nulls = makeNulls(nullValues);
  const n = rows.length;
  const all = Int32Array.from({ length: n }, (_, i) => i);
  let positives = 0;
  for (let i = 0; i < n; i++) positives += y[i]!;
  const average = n ? positives / n : 0;
  const leftOut: { column: string; reason: string }[] = [];
  const plans: FeaturePlan[] = [];
  header.forEach((name, c) => {
    if (skip.has(c)) return;
    const cells = rows.map((r) => present(r[c], nulls));
    const id = idLikeReason(name, cells);
    if (id) {
      leftOut.push({ column: name, reason: id });
      return;
    }
    const plan = planFeature({ name, kind: 'text', cells }, all);
    if (!('type' in plan)) leftOut.push({ column: name, reason: plan.reason });
    else plans.push(plan);
  });
  const auc = new Map(plans.map((p) => [p.name, singleFeatureAuc(p, y, all)]));
  const verdicts = leakVerdicts(plans, auc, y, all);
  const smoothed = (pos: number, leads: number) => (pos + SMOOTHING * average) / (leads + SMOOTHING);
  const log2Lift = (pos: number, leads: number) => (average > 0 && average < 1 ? Math.log2(smoothed(pos, leads) / average) : 0);
  type Raw = { option: OutcomeOption; test: (i: number) => boolean; leads: number; pos: number; lift: number; label: string };
  const candidates: { column: string; auc: number; options: Raw[]; lifts: Float64Array }[] = [];
  plans.forEach((plan, j) => {
    const v = verdicts[j]!;
    const a = auc.get(plan.name)!;
    if (v.leak) {
      leftOut.push({ column: plan.name, reason: `looks recorded after the outcome: ${v.reasons.join('; ')}` });
      return;
    }
    const options: Raw[] = [];
    const add = (option: OutcomeOption, label: string, test: (i: number) => boolean) => {
      let leads = 0;
      let pos = 0;
      for (let i = 0; i < n; i++) if (test(i)) {
        leads++;
        pos += y[i]!;
      }
      if (leads) options.push({ option, test, leads, pos, lift: log2Lift(pos, leads), label });
    };
    if (plan.type === 'categorical') {
      // the most frequent spelling of each level, as the sample writes it
      const spelling = new Map<string, string>();
      rows.forEach((r, i) => {
        const k = plan.keys[i];
        if (k !== undefined && !spelling.has(k)) spelling.set(k, present(r[header.indexOf(plan.name)], nulls)!);
      });
      const kept = new Set(plan.levels);
      for (const l of plan.levels) add({ kind: 'value', value: spelling.get(l) ?? l }, spelling.get(l) ?? l, (i) => plan.keys[i] === l);
      if (plan.hasOther) add({ kind: 'other', listed: plan.levels.map((l) => spelling.get(l) ?? l) }, 'any other value', (i) => plan.keys[i] !== undefined && !kept.has(plan.keys[i]!));
    } else {
      const xs: number[] = [];
      for (let i = 0; i < n; i++) if (Number.isFinite(plan.values[i]!)) xs.push(plan.values[i]!);
      const lows = quantileBins(xs, 5);
      lows.forEach((low, b) => {
        const high = lows[b + 1];
        const test = (i: number) => {
          const x = plan.values[i]!;
          return Number.isFinite(x) && (low === -Infinity || x >= low) && (high === undefined || x < high);
        };
        add(low === -Infinity ? { kind: 'range' } : { kind: 'range', min: low }, high === undefined ? `${low} or more` : low === -Infinity ? `below ${high}` : `${low} to below ${high}`, test);
      });
    }
    if (plan.hasMissing) add({ kind: 'missing' }, 'missing', (i) => (plan.type === 'numeric' ? !Number.isFinite(plan.values[i]!) : plan.keys[i] === undefined));
    // the column's signal is how well its own options rank the leads: a numeric column whose rate
    // rises and falls again (age: the young and the retired convert most) counts, which its raw
    // values' order would miss
    const own = optionLifts(options, n);
    const binned = aucOf(own, y);
    const alone = Math.max(a, Number.isNaN(binned) ? 0.5 : Math.max(binned, 1 - binned));
    if (alone < MIN_AUC) {
      leftOut.push({ column: plan.name, reason: `no signal in the sample (AUC alone ${alone.toFixed(3)})` });
      return;
    }
    candidates.push({ column: plan.name, auc: alone, options, lifts: own });
  });
  candidates.sort((p, q) => q.auc - p.auc);
  // strongest first, a column is kept only when it improves the ranking of the columns kept before it:
  // columns that repeat what another says (pdays, previous and poutcome all say "contacted before")
  // would otherwise count the same evidence two or three times
  const used: typeof candidates = [];
  const total = new Float64Array(n);
  let best = 0.5;
  for (const c of candidates) {
    if (used.length === MAX_RULES) {
      leftOut.push({ column: c.column, reason: `weaker than the ${MAX_RULES} columns used (AUC alone ${c.auc.toFixed(3)})` });
      continue;
    }
    const next = Float64Array.from(total, (t, i) => t + c.lifts[i]!);
    const a = aucOf(next, y);
    if (used.length && !(a >= best + MIN_GAIN)) {
      leftOut.push({ column: c.column, reason: `adds nothing to the columns above (AUC alone ${c.auc.toFixed(3)}, but ${a.toFixed(3)} with them against ${best.toFixed(3)} without: it repeats what they say)` });
      continue;
    }
    used.push(c);
    total.set(next);
    best = a;
  }
  // shift each column so its lowest option is 0, then scale so that the 99th percentile is at most 100
  const shift = used.map((c) => Math.min(...c.options.map((o) => o.lift)));
  const totals: number[] = [];
  for (let i = 0; i < n; i++) {
    let t = 0;
    used.forEach((c, k) => {
      const o = c.options.find((x) => x.test(i));
      if (o) t += POINTS_PER_DOUBLING * (o.lift - shift[k]!);
    });
    totals.push(t);
  }
  totals.sort((a, b) => a - b);
  const q99 = totals.length ? totals[Math.min(totals.length - 1, Math.floor(0.99 * totals.length))]! : 0;
  const factor = POINTS_PER_DOUBLING * (q99 > top ? top / q99 : 1);
  const rules: OutcomeRule[] = used.map((c, k) => ({
    column: c.column,
    auc: c.auc,
    options: c.options.map((o) => ({ option: o.option, leads: o.leads, rate: o.leads ? o.pos / o.leads : 0, points: Math.round(factor * (o.lift - shift[k]!)) || 0, label: o.label })),
  }));
  // the scores the written rules give on the sample (rounded points, clamped) -> bands
  const scores: number[] = [];
  for (let i = 0; i < n; i++) {
    let t = 0;
    rules.forEach((r, k) => {
      const idx = used[k]!.options.findIndex((x) => x.test(i));
      if (idx >= 0) t += r.options[idx]!.points;
    });
    scores.push(Math.min(100, Math.max(0, t)));
  }
  return { rules, average, leads: n, positives, leftOut, bands: proposeBands(scores), factor };
}
