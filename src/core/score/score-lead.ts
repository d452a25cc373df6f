// One lead: fit, engagement (rule totals + signals, capped), quality adjustments, the clamp, band,
// grade, interests and reasons (PRODUCT.md §2).
import type { Band, GradeScale } from '../model/types.js';
import { SIGNAL_FIELDS } from '../model/types.js';
import { type Cell, formatPoints, parseNumber, present, round2 } from '../value.js';
import { type CompiledModel, fitCell } from './compiled.js';
import type { EngagementFold } from './engagement.js';

export interface Contribution {
  slot: number;
  points: number;
  /** A feature of a predictive model with weight 1: its term in log-odds, shown in the reasons instead of points. */
  logOdds?: number;
  /** A feature of a predictive model (any weight): its term in log-odds and the lead's value (null: missing), for explain. */
  term?: number;
  value?: string | null;
}

export type LeadOutcome =
  | { kind: 'rejected'; reason: string; slot: number }
  | { kind: 'scored'; lead: ScoredLead };

export interface ScoredLead {
  score: number;
  fit: number;
  engagement: number;
  /** Index into model.bands, or -1 when no band takes the score. */
  band: number;
  grade: string;
  flags: string[];
  /** Non-zero contributions in rule order. */
  contributions: Contribution[];
  /** Slots of every rule that matched, also those worth 0 points (flag-only signals and checks). */
  fired: number[];
  interests: number[];
  /** With a predictive section: the predicted conversion probability. */
  probability?: number;
  /** Index into model.segments of the segment that applied, or -1. */
  segment: number;
  /** Fit before `fit.max`, engagement before `engagement.max`, sum before the clamp (for explain). */
  fitUncapped: number;
  engagementUncapped: number;
  adjustments: number;
  unclamped: number;
}

export function bandOf(bands: readonly Band[], score: number): number {
  for (let i = 0; i < bands.length; i++) {
    const min = bands[i]!.min;
    if (min === undefined || min <= score) return i;
  }
  return -1;
}

export function gradeLetter(scale: GradeScale, value: number): string {
  const e = scale.entries;
  for (let i = 0; i < e.length; i++) if (e[i]!.min <= value) return e[i]!.label;
  return e.length ? e[e.length - 1]!.label : '';
}

/** Fit points of one compiled fit rule for a lead row (0 when it does not match). */
export function fitPoints(cm: CompiledModel, k: number, row: readonly Cell[]): number {
  const f = cm.fit[k]!;
  if (f.kind === 'if') return f.test.test(row) ? f.points : 0;
  const v = present(fitCell(f, row), cm.nulls);
  if (v === undefined) return 0;
  if (f.kind === 'values') {
    const t = f.byText.get(v.toLowerCase());
    if (t !== undefined) return t;
    if (f.byNumber.size) {
      const n = parseNumber(v, cm.numberFormat);
      if (!Number.isNaN(n)) return f.byNumber.get(n) ?? 0;
    }
    return 0;
  }
  const n = parseNumber(v, cm.numberFormat);
  if (Number.isNaN(n)) {
    const field = f.rule.kind === 'ranges' ? f.rule.field : '';
    cm.unparsable.set(field, (cm.unparsable.get(field) ?? 0) + 1);
    return 0;
  }
  for (const r of f.ranges) if (r.min <= n && n <= r.max) return r.points;
  return 0;
}

/** Reusable buffers for scoring many leads without allocating per lead. */
export class LeadScorer {
  private readonly signalRow: Cell[];

  constructor(
    readonly cm: CompiledModel,
    readonly fold: EngagementFold | undefined,
  ) {
    this.signalRow = new Array<Cell>(SIGNAL_FIELDS.length + cm.leadHeader.length);
  }

  /** The index of the first segment whose condition holds for the lead, or -1. */
  segmentOf(row: readonly (string | undefined)[]): number {
    const segs = this.cm.segments;
    for (let i = 0; i < segs.length; i++) if (segs[i]!.test.test(row)) return i;
    return -1;
  }

  score(row: readonly (string | undefined)[], lead: number): LeadOutcome {
    const segment = this.cm.segments.length ? this.segmentOf(row) : -1;
    const cm = segment >= 0 ? this.cm.segments[segment]!.cm : this.cm;
    const model = cm.model;
    // Quality checks that reject come first: a rejected lead is not scored.
    let adjustments = 0;
    const flags: string[] = [];
    const contributions: Contribution[] = [];
    const fired: number[] = [];
    const addFlag = (f: string | undefined) => {
      if (f && !flags.includes(f)) flags.push(f);
    };

    for (const q of cm.quality) {
      if (q.rule.action === 'reject' && q.fires(row)) return { kind: 'rejected', reason: q.rule.id, slot: q.slot };
    }

    let fitUncapped = 0;
    for (let k = 0; k < cm.fit.length; k++) {
      const p = fitPoints(cm, k, row);
      if (p !== 0) {
        fired.push(cm.fit[k]!.slot);
        fitUncapped += p;
        contributions.push({ slot: cm.fit[k]!.slot, points: p });
      }
    }
    const fit = model.fit.max !== undefined ? Math.min(fitUncapped, model.fit.max) : fitUncapped;

    let engagementUncapped = 0;
    const interests = new Array<number>(cm.interests.length).fill(0);
    const fold = this.fold;
    if (fold) {
      for (let k = 0; k < cm.engagement.length; k++) {
        const total = fold.ruleTotal(k, lead, model.engagement.rules[k]!.points);
        if (total !== 0) {
          fired.push(cm.engagement[k]!.slot);
          engagementUncapped += total;
          contributions.push({ slot: cm.engagement[k]!.slot, points: total });
          const i = cm.interestOf[k]!;
          if (i >= 0) interests[i]! += total;
        }
      }
    }
    if (cm.signals.length) {
      const s = this.signalRow;
      if (fold) {
        s[0] = fold.activityCount(lead);
        s[1] = fold.daysSinceLast(lead);
        s[2] = fold.recentPoints(lead, 7);
        s[3] = fold.recentPoints(lead, 30);
      } else {
        s[0] = 0;
        s[1] = NaN;
        s[2] = 0;
        s[3] = 0;
      }
      for (let j = 0; j < cm.leadHeader.length; j++) s[SIGNAL_FIELDS.length + j] = row[j];
      for (const sig of cm.signals) {
        if (!sig.test.test(s)) continue;
        fired.push(sig.slot);
        if (sig.rule.points !== 0) {
          engagementUncapped += sig.rule.points;
          contributions.push({ slot: sig.slot, points: sig.rule.points });
        }
        addFlag(sig.rule.flag);
      }
    }
    const emax = model.engagement.max;
    const engagement = emax !== undefined ? Math.min(engagementUncapped, emax) : engagementUncapped;

    for (const q of cm.quality) {
      if (q.rule.action === 'reject' || !q.fires(row)) continue;
      fired.push(q.slot);
      if (q.rule.points !== 0) {
        adjustments += q.rule.points;
        contributions.push({ slot: q.slot, points: q.rule.points });
      }
      addFlag(q.rule.flag);
    }

    let unclamped = fit + engagement + adjustments;
    let probability: number | undefined;
    const pred = cm.predictive;
    if (pred) {
      // score = weight × 100·p + (1 − weight) × the rule points; reasons scale the same way.
      const activity = fold && pred.scorer.needsActivities ? fold.aggregates(lead) : undefined;
      const r = pred.scorer(row, activity);
      probability = r.probability;
      const w = pred.weight;
      unclamped = w * 100 * r.probability + (1 - w) * unclamped;
      if (w !== 1) for (const c of contributions) c.points *= 1 - w;
      else contributions.length = 0;
      for (const c of r.contributions) {
        const slot = pred.slotOf.get(c.feature)!;
        fired.push(slot);
        // a pure predictive model explains in log-odds with the lead's value; a blend keeps score points
        contributions.push(w === 1 ? { slot, points: c.points, logOdds: c.term, term: c.term, value: c.value } : { slot, points: w * c.points, term: c.term, value: c.value });
      }
    }
    // NaN-safe: a NaN sum (validate bounds points, so it cannot come from a valid model) scores 0
    const score = unclamped >= 0 ? Math.min(100, unclamped) : 0;
    const band = bandOf(model.bands, score);
    const grade = model.grade ? gradeLetter(model.grade.fit, fit) + gradeLetter(model.grade.activity, engagement) : '';
    return {
      kind: 'scored',
      lead: { score, fit, engagement, band, grade, flags, contributions, fired, interests, segment, fitUncapped, engagementUncapped, adjustments, unclamped, ...(probability !== undefined ? { probability } : {}) },
    };
  }
}

/** What a reason shows: log-odds for a predictive feature, else score points. */
const effect = (c: Contribution): number => c.logOdds ?? c.points;

/** The reasons of a lead: its non-zero contributions, largest absolute effect first, at most `max`. */
export function topContributions(contributions: readonly Contribution[], max = 5): Contribution[] {
  const shown: Contribution[] = [];
  for (const c of contributions) if (round2(effect(c)) !== 0) shown.push(c);
  shown.sort((a, b) => Math.abs(effect(b)) - Math.abs(effect(a)) || a.slot - b.slot);
  if (shown.length > max) shown.length = max;
  return shown;
}

/**
 * One reason: `demo_request +25` (rule points), or for a feature of a predictive model its value and
 * term in log-odds: `Lead Source = Reference +1.11` (`Country = (missing) -0.40`).
 */
export function formatReason(id: string, effectValue: number, value: string | null | undefined, predictive: boolean): string {
  return predictive ? `${id} = ${value ?? '(missing)'} ${formatLogOdds(effectValue)}` : `${id} ${formatPoints(effectValue)}`;
}

/** A term in log-odds, always signed with two decimals: `+1.10`, `-0.40`. */
export function formatLogOdds(x: number): string {
  const r = Math.round(x * 100) / 100;
  return (r < 0 ? '-' : '+') + Math.abs(r).toFixed(2);
}

/** `demo_request +25; c_level +15; inactive_60d -10`: largest absolute effect first, at most `max`. */
export function formatReasons(cm: CompiledModel, contributions: readonly Contribution[], max = 5): string {
  return topContributions(contributions, max)
    .map((c) => formatReason(cm.rules[c.slot]!.id, effect(c), c.value, c.logOdds !== undefined))
    .join('; ');
}

const NUMERIC_ID = /^\d{1,15}$/;

/** Each id as a number when it is made only of digits, else NaN (computed once for ranking). */
export function leadIdNumbers(ids: readonly string[]): Float64Array {
  const out = new Float64Array(ids.length);
  for (let i = 0; i < ids.length; i++) out[i] = NUMERIC_ID.test(ids[i]!) ? Number(ids[i]) : NaN;
  return out;
}

/**
 * The rank order of scored leads (PRODUCT.md §2): score descending, then fit descending, then lead id
 * ascending. `scored` holds lead indexes; the result lists them in rank order (rank 1 first). `idNumber`:
 * the ids' leadIdNumbers when the caller has them (then `ids` is read only for ids that are not numbers).
 */
export function rankOrder(scored: readonly number[], ids: readonly string[], score: ArrayLike<number>, fit: ArrayLike<number>, idNumber = leadIdNumbers(ids)): Uint32Array {
  const order = Uint32Array.from(scored);
  order.sort((a, b) => score[b]! - score[a]! || fit[b]! - fit[a]! || compareIds(ids, idNumber, a, b));
  return order;
}

/** compareLeadIds over precomputed numbers (see leadIdNumbers). */
export function compareIds(ids: readonly string[], num: Float64Array, a: number, b: number): number {
  const na = num[a]!;
  const nb = num[b]!;
  const ia = na === na;
  const ib = nb === nb;
  if (ia !== ib) return ia ? -1 : 1;
  if (ia && na !== nb) return na - nb;
  const x = ids[a]!;
  const y = ids[b]!;
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Lead id order, the last key of the rank: ids made only of digits come first in numeric order
 * (so 9 < 10), then every other id in plain code-unit order. A total order, whatever the ids.
 */
export function compareLeadIds(a: string, b: string): number {
  const na = NUMERIC_ID.test(a);
  const nb = NUMERIC_ID.test(b);
  if (na !== nb) return na ? -1 : 1;
  if (na) {
    const d = Number(a) - Number(b);
    if (d !== 0) return d;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}
