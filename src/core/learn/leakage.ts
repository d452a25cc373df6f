// The leakage guard of `leadscore train`: which candidate features look recorded after the outcome
// (a status set by sales, a quality rating, a call duration) and must not be used to score new leads.
// Pure; decided on the training rows only. The signals, and how they combine (docs/train.md):
//
//   decisive (one is enough)
//   - alone: the single-feature AUC is LEAK_AUC (0.95) or more;
//   - far above the others: the single-feature AUC is at least FAR_MIN_AUC (0.75), at least FAR_GAP
//     (0.10) above the strongest feature under FAR_MIN_AUC, and at least FAR_MEDIAN_GAP (0.20) above
//     the median feature;
//   - one class only: the column is filled only for converted leads, or only for the others.
//   supporting (two are enough, or one with a single-feature AUC of STRONG_SUPPORT_AUC (0.75) or more)
//   - pure levels: levels that are (almost) all converted (>= 97 %) or (almost) none (<= 1 %) cover
//     PURE_SHARE (10 %) or more of the rows (categorical features; the cut-offs move with a very low or
//     very high base rate so that a rare outcome does not make every level "pure");
//   - outcome names: levels whose names speak of the outcome (closed, lost, won, converted, revert,
//     junk, not interested, ...) cover NAMES_SHARE (2 %) or more of the rows;
//   - filled after the fact: the column is mostly empty (filled for at most half) among the leads of one
//     class and filled for FILL_GAP (30 points) more of the leads of the other class.
import type { FeaturePlan } from './encode.js';

export const LEAK_AUC = 0.95;
export const FAR_MIN_AUC = 0.75;
export const FAR_GAP = 0.1;
export const FAR_MEDIAN_GAP = 0.2;
export const STRONG_SUPPORT_AUC = 0.75;
export const PURE_HIGH = 0.97;
export const PURE_LOW = 0.01;
export const PURE_SHARE = 0.1;
/** A level is pure only if the base rate would have put at least this many of the other class in it. */
export const PURE_EXPECTED = 5;
export const NAMES_SHARE = 0.02;
export const FILL_GAP = 0.3;

/** Words in a level's name that speak of the outcome (whole words, any case). */
export const OUTCOME_WORDS = /\b(closed|close[ds]?|lost|won|wins?|converted|conversion|reverts?|reverted|junk|not interested|no interest|disqualified|unqualified|rejected|signed|purchased|bought|enrolled|churned|dead)\b/i;

export interface LevelRate {
  level: string;
  rows: number;
  /** Share converted among the training rows with this level. */
  rate: number;
}

export interface LeakSignals {
  auc: number;
  /** Far above the others: the strongest feature under FAR_MIN_AUC and the median of all features. */
  farAbove?: { next: number; median: number };
  onlyClass?: 'positive' | 'negative';
  pureLevels?: { share: number; levels: LevelRate[] };
  outcomeNames?: { share: number; levels: LevelRate[] };
  /** Filled share among converted and among not converted leads. */
  filledAfter?: { positive: number; negative: number };
}

export interface LeakVerdict {
  name: string;
  leak: boolean;
  signals: LeakSignals;
  /** Plain-words reasons, decisive first. */
  reasons: string[];
}

const pct = (x: number) => `${Math.round(100 * x)}%`;

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) return 0.5;
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * The guard's verdict on every planned feature. `auc`: single-feature AUC of each plan (training rows);
 * `rawKeys`: for categorical plans, the case-folded cell of every row before rare levels were pooled
 * (so that rare outcome-named levels count), by feature name.
 */
export function leakVerdicts(plans: readonly FeaturePlan[], auc: ReadonlyMap<string, number>, y: Uint8Array, train: Int32Array): LeakVerdict[] {
  const aucs = plans.map((p) => auc.get(p.name) ?? 0.5);
  const med = median(aucs);
  const ordinary = aucs.filter((a) => a < FAR_MIN_AUC);
  const next = ordinary.length ? Math.max(...ordinary) : undefined;
  let pos = 0;
  for (const i of train) pos += y[i]!;
  const base = train.length ? pos / train.length : 0;
  const high = Math.max(PURE_HIGH, 1 - (1 - base) / 10);
  const low = Math.min(PURE_LOW, base / 10);
  return plans.map((plan, j) => {
    const a = aucs[j]!;
    const s: LeakSignals = { auc: a };
    if (next !== undefined && a >= FAR_MIN_AUC && a - next >= FAR_GAP && a - med >= FAR_MEDIAN_GAP) s.farAbove = { next, median: med };
    // filled shares per class
    let fp = 0;
    let fn = 0;
    for (const i of train) {
      const filled = plan.type === 'numeric' ? Number.isFinite(plan.values[i]!) : plan.keys[i] !== undefined;
      if (filled) {
        if (y[i]) fp++;
        else fn++;
      }
    }
    const neg = train.length - pos;
    if (pos > 0 && neg > 0) {
      if (fp > 0 && fn === 0) s.onlyClass = 'positive';
      else if (fn > 0 && fp === 0) s.onlyClass = 'negative';
      const sp = fp / pos;
      const sn = fn / neg;
      if ((sn <= 0.5 && sp - sn >= FILL_GAP) || (sp <= 0.5 && sn - sp >= FILL_GAP)) s.filledAfter = { positive: sp, negative: sn };
    }
    if (plan.type === 'categorical') {
      const rows = new Map<string, number>();
      const conv = new Map<string, number>();
      for (const i of train) {
        const k = plan.keys[i];
        if (k === undefined) continue;
        rows.set(k, (rows.get(k) ?? 0) + 1);
        if (y[i]) conv.set(k, (conv.get(k) ?? 0) + 1);
      }
      const rates: LevelRate[] = [...rows].map(([level, n]) => ({ level, rows: n, rate: (conv.get(level) ?? 0) / n }))
        .sort((x, z) => z.rows - x.rows || (x.level < z.level ? -1 : 1));
      // a level needs enough rows that the base rate would have put several of the missing class in it
      const pure = rates.filter((r) => (r.rate >= high && r.rows * (1 - base) >= PURE_EXPECTED) || (r.rate <= low && r.rows * base >= PURE_EXPECTED));
      const pureRows = pure.reduce((t, r) => t + r.rows, 0);
      if (train.length && pureRows / train.length >= PURE_SHARE) s.pureLevels = { share: pureRows / train.length, levels: pure };
      const named = rates.filter((r) => OUTCOME_WORDS.test(r.level));
      const namedRows = named.reduce((t, r) => t + r.rows, 0);
      if (train.length && namedRows / train.length >= NAMES_SHARE) s.outcomeNames = { share: namedRows / train.length, levels: named };
    }
    const decisive = a >= LEAK_AUC || !!s.farAbove || !!s.onlyClass;
    const supporting = (s.pureLevels ? 1 : 0) + (s.outcomeNames ? 1 : 0) + (s.filledAfter ? 1 : 0);
    const leak = decisive || supporting >= 2 || (supporting === 1 && a >= STRONG_SUPPORT_AUC);
    const reasons: string[] = [];
    if (a >= LEAK_AUC) reasons.push(`alone it separates the outcome almost perfectly (AUC ${a.toFixed(3)})`);
    if (s.farAbove) reasons.push(`AUC alone ${a.toFixed(3)}, far above the others (the strongest other ${s.farAbove.next.toFixed(3)}, median ${s.farAbove.median.toFixed(3)})`);
    if (s.onlyClass) reasons.push(`filled only for ${s.onlyClass === 'positive' ? 'converted' : 'not converted'} leads`);
    if (s.pureLevels) {
      const ex = s.pureLevels.levels.slice(0, 3).map((l) => `"${l.level}" ${pct(l.rate)}`).join(', ');
      reasons.push(`levels almost all or almost none converted cover ${pct(s.pureLevels.share)} of the rows (${ex})`);
    }
    if (s.outcomeNames) {
      const ex = s.outcomeNames.levels.slice(0, 3).map((l) => `"${l.level}"`).join(', ');
      reasons.push(`level names speak of the outcome (${ex}: ${pct(s.outcomeNames.share)} of the rows)`);
    }
    if (s.filledAfter) reasons.push(`filled for ${pct(s.filledAfter.positive)} of converted leads but ${pct(s.filledAfter.negative)} of the others`);
    if (leak && !decisive && supporting === 1) reasons.push(`AUC alone ${a.toFixed(3)}`);
    return { name: plan.name, leak, signals: s, reasons };
  });
}
