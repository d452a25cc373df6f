// Activities folded into compact per-lead aggregates (PRODUCT.md §5): nothing per activity survives
// its row. Per lead: a running decayed total per engagement rule (or, with max_count, the N most
// recent timestamps), activity count, last activity time, and the undecayed 7/30-day points.
import { compileCondition, type CompiledCondition } from '../model/compile.js';
import { columnMatcher } from '../columns.js';
import { JsonCache } from '../model/json-field.js';
import { ageDays, type Cell } from '../value.js';
import type { CompiledModel } from './compiled.js';
import type { ActivityAggregates } from './predictive.js';

/**
 * Per-activity decay factors (and, for the 7/30-day fields, points) are accumulated as integers in
 * units of 1e-9: integer sums below 2^53 are exact in a double, so a lead's totals do not depend on the
 * order its activities were read in (the rank stays the same for any row order). The quantisation error
 * is at most 5e-10 per activity.
 */
const SCALE = 1e9;

export type ActivityOutcome = 'used' | 'future' | 'outside_window';

/**
 * The aggregates of one set of leads, as plain typed arrays (so that a worker thread can hand them
 * over without copying). Index = lead slot; for max_count rules, `recent` holds maxCount timestamps per
 * slot (the most recent kept) and `filled` how many are set.
 */
export interface FoldState {
  size: number;
  activityCount: Uint32Array;
  /** Activities after as-of / older than the window, per slot (for orphan accounting). */
  future: Uint32Array;
  outsideWindow: Uint32Array;
  lastActivity: Float64Array;
  engagement7d: Float64Array;
  engagement30d: Float64Array;
  totals: (Float64Array | null)[];
  recent: (Float64Array | null)[];
  filled: (Uint32Array | null)[];
  unknownTypes: Map<string, number>;
  /**
   * For predictive models with activity features: per slot, `counterWidth` counts — activities in the
   * last 7 days, in the last 30 days, then one per activity type the model counts (cm.countedTypes).
   */
  counters: Uint32Array | null;
}

/**
 * The per-slot arrays of a fold in shared memory (seen by worker threads without a copy), carved from
 * one SharedArrayBuffer: one large block is mapped and unmapped as a whole, where a dozen arrays of a
 * few MB each are left behind in the allocator's heap once freed (issue 18: about 90 MB of the peak).
 */
function newSharedState(cm: CompiledModel, capacity: number): FoldState {
  const rules = cm.model.engagement.rules;
  const counterWidth = cm.countedTypes ? 2 + cm.countedTypes.length : 0;
  let f64s = 3 * capacity;
  let u32s = (3 + counterWidth) * capacity;
  for (const r of rules) {
    f64s += r.maxCount ? capacity * r.maxCount : capacity;
    if (r.maxCount) u32s += capacity;
  }
  const block = new SharedArrayBuffer(f64s * 8 + u32s * 4);
  let at = 0;
  const f64 = (n: number) => {
    const a = new Float64Array(block, at, n);
    at += n * 8;
    return a;
  };
  const u32 = (n: number) => {
    const a = new Uint32Array(block, at, n);
    at += n * 4;
    return a;
  };
  // (the doubles first: every view stays aligned)
  const lastActivity = f64(capacity).fill(-Infinity);
  const engagement7d = f64(capacity);
  const engagement30d = f64(capacity);
  const totals = rules.map((r) => (r.maxCount ? null : f64(capacity)));
  const recent = rules.map((r) => (r.maxCount ? f64(capacity * r.maxCount) : null));
  return {
    size: 0,
    activityCount: u32(capacity),
    future: u32(capacity),
    outsideWindow: u32(capacity),
    lastActivity,
    engagement7d,
    engagement30d,
    totals,
    recent,
    filled: rules.map((r) => (r.maxCount ? u32(capacity) : null)),
    unknownTypes: new Map(),
    counters: counterWidth ? u32(capacity * counterWidth) : null,
  };
}

function newState(cm: CompiledModel, capacity: number, shared = false): FoldState {
  if (shared) return newSharedState(cm, capacity);
  const rules = cm.model.engagement.rules;
  // (separate arrays: the reference path's folds grow array by array)
  const f64 = (n: number) => new Float64Array(n);
  return {
    size: 0,
    activityCount: new Uint32Array(capacity),
    future: new Uint32Array(capacity),
    outsideWindow: new Uint32Array(capacity),
    lastActivity: f64(capacity).fill(-Infinity),
    engagement7d: f64(capacity),
    engagement30d: f64(capacity),
    totals: rules.map((r) => (r.maxCount ? null : f64(capacity))),
    recent: rules.map((r) => (r.maxCount ? f64(capacity * r.maxCount) : null)),
    filled: rules.map((r) => (r.maxCount ? new Uint32Array(capacity) : null)),
    unknownTypes: new Map(),
    counters: cm.countedTypes ? new Uint32Array(capacity * (2 + cm.countedTypes.length)) : null,
  };
}

function grown<T extends Float64Array | Uint32Array | Uint16Array>(a: T, length: number, fill?: number): T {
  const b = new (a.constructor as new (n: number) => T)(length);
  b.set(a);
  if (fill !== undefined) b.fill(fill, a.length);
  return b;
}

interface RuleState {
  points: number;
  decays: boolean;
  maxCount: number;
}

export interface RuleMatch {
  /** Engagement rule indexes whose type matches, each with its compiled `if` for this file (or none). */
  rules: { k: number; test?: CompiledCondition }[];
}

/** Per activity file: the engagement rules' conditions bound to that file's header. */
export interface ActivityBinding {
  /** Rules that count an activity type (exact raw type string -> rules), cached per distinct raw value. */
  rulesFor(type: string): RuleMatch['rules'] | undefined;
}

export class EngagementFold {
  /** The aggregates; grows with ensure() when the fold is keyed by lead ids met on the way. */
  state: FoldState;
  private capacity: number;
  private readonly rules: RuleState[];
  private readonly lnHalf: number;
  private readonly windowDays: number;
  /** Width of a slot's counters (0: none kept), and type (lower case) -> counter index. */
  private readonly counterWidth: number;
  private readonly typeCounter = new Map<string, number>();

  constructor(
    private readonly cm: CompiledModel,
    size: number,
    state?: FoldState,
    /** Keep the aggregates in shared memory (scoring threads read their slices of it in place). */
    shared = false,
  ) {
    this.capacity = state ? state.activityCount.length : Math.max(size, 1);
    this.state = state ?? newState(cm, this.capacity, shared);
    if (!state) this.state.size = size;
    const e = cm.model.engagement;
    this.lnHalf = e.halfLifeDays ? Math.LN2 / e.halfLifeDays : 0;
    this.windowDays = e.windowDays ?? Infinity;
    this.rules = e.rules.map((r) => ({ points: r.points, decays: r.decay && this.lnHalf > 0, maxCount: r.maxCount ?? 0 }));
    this.counterWidth = cm.countedTypes ? 2 + cm.countedTypes.length : 0;
    cm.countedTypes?.forEach((t, i) => this.typeCounter.set(t, 2 + i));
  }

  /** Activity counts for predictive features: last 7 / 30 days and per counted type. */
  activityCounts(lead: number): { count7d: number; count30d: number; byType: Map<string, number> } {
    const c = this.state.counters;
    const w = this.counterWidth;
    const byType = new Map<string, number>();
    if (!c || w === 0) return { count7d: 0, count30d: 0, byType };
    for (const [t, k] of this.typeCounter) byType.set(t, c[lead * w + k]!);
    return { count7d: c[lead * w]!, count30d: c[lead * w + 1]!, byType };
  }

  /** The activity.* aggregates of a lead, as predictive features read them. */
  aggregates(lead: number): ActivityAggregates {
    const days = this.daysSinceLast(lead);
    return { count: this.activityCount(lead), ...this.activityCounts(lead), daysSinceLast: Number.isNaN(days) ? undefined : days };
  }

  get size(): number {
    return this.state.size;
  }

  get unknownTypes(): Map<string, number> {
    return this.state.unknownTypes;
  }

  /** Make room for `size` slots (doubling), for folds keyed by ids as they are met. */
  ensure(size: number): void {
    const st = this.state;
    if (size > this.capacity) {
      let c = this.capacity;
      while (c < size) c *= 2;
      st.activityCount = grown(st.activityCount, c);
      st.future = grown(st.future, c);
      st.outsideWindow = grown(st.outsideWindow, c);
      st.lastActivity = grown(st.lastActivity, c, -Infinity);
      st.engagement7d = grown(st.engagement7d, c);
      st.engagement30d = grown(st.engagement30d, c);
      st.totals = st.totals.map((t) => (t ? grown(t, c) : null));
      st.recent = st.recent.map((t, k) => (t ? grown(t, c * this.rules[k]!.maxCount) : null));
      st.filled = st.filled.map((t) => (t ? grown(t, c) : null));
      if (st.counters) st.counters = grown(st.counters, c * this.counterWidth);
      this.capacity = c;
    }
    if (size > st.size) st.size = size;
  }

  /**
   * Add the aggregates of `from` into this fold: slot j of `from` goes to slot map[j] here, or is an
   * orphan (map[j] < 0). Sums are of integer nano-points, so the result does not depend on how the
   * activities were split. Returns the activities of orphan slots by what they would have been.
   */
  merge(from: FoldState, map: Int32Array): { used: number; future: number; outsideWindow: number } {
    const st = this.state;
    const orphans = { used: 0, future: 0, outsideWindow: 0 };
    for (let j = 0; j < from.size; j++) {
      const i = map[j]!;
      if (i < 0) {
        orphans.used += from.activityCount[j]!;
        orphans.future += from.future[j]!;
        orphans.outsideWindow += from.outsideWindow[j]!;
        continue;
      }
      st.activityCount[i]! += from.activityCount[j]!;
      st.future[i]! += from.future[j]!;
      st.outsideWindow[i]! += from.outsideWindow[j]!;
      if (from.lastActivity[j]! > st.lastActivity[i]!) st.lastActivity[i] = from.lastActivity[j]!;
      st.engagement7d[i]! += from.engagement7d[j]!;
      st.engagement30d[i]! += from.engagement30d[j]!;
      if (st.counters && from.counters) {
        const w = this.counterWidth;
        for (let q = 0; q < w; q++) st.counters[i * w + q]! += from.counters[j * w + q]!;
      }
      for (let k = 0; k < this.rules.length; k++) {
        const t = from.totals[k];
        if (t) {
          st.totals[k]![i]! += t[j]!;
          continue;
        }
        const n = this.rules[k]!.maxCount;
        const f = from.filled[k]![j]!;
        for (let q = 0; q < f; q++) this.keepRecent(k, i, from.recent[k]![j * n + q]!);
      }
    }
    for (const [type, count] of from.unknownTypes) st.unknownTypes.set(type, (st.unknownTypes.get(type) ?? 0) + count);
    return orphans;
  }

  /** Keep timestamp t among the maxCount most recent of rule k for a lead slot. */
  private keepRecent(k: number, lead: number, t: number): void {
    const n = this.rules[k]!.maxCount;
    const base = lead * n;
    const recent = this.state.recent[k]!;
    const filledArr = this.state.filled[k]!;
    const filled = filledArr[lead]!;
    if (filled < n) {
      recent[base + filled] = t;
      filledArr[lead] = filled + 1;
      return;
    }
    let minAt = base;
    for (let j = base + 1; j < base + n; j++) if (recent[j]! < recent[minAt]!) minAt = j;
    if (t > recent[minAt]!) recent[minAt] = t;
  }

  /** Bind the engagement rules to one activity file's header. */
  bind(header: readonly string[]): ActivityBinding {
    const index = columnMatcher(header, this.cm.model.alternatives);
    const cm = this.cm;
    const ctx = {
      index,
      nulls: cm.nulls,
      asOfMs: cm.asOfMs,
      numberFormat: cm.model.input.activities.numberFormat ?? cm.numberFormat,
      dateFormat: cm.model.input.activities.dateFormat ?? cm.dateFormat,
      onUnparsable: (field: string) => cm.unparsable.set(field, (cm.unparsable.get(field) ?? 0) + 1),
      json: new JsonCache(),
    };
    const byType = new Map<string, RuleMatch['rules']>();
    cm.engagement.forEach(({ rule }, k) => {
      const test = rule.condition ? compileCondition(rule.condition, ctx) : undefined;
      for (const t of rule.types) {
        const key = t.trim().toLowerCase();
        let list = byType.get(key);
        if (!list) byType.set(key, (list = []));
        list.push(test ? { k, test } : { k });
      }
    });
    const cache = new Map<string, RuleMatch['rules'] | undefined>();
    return {
      rulesFor(type) {
        if (cache.has(type)) return cache.get(type);
        const found = byType.get(type.trim().toLowerCase());
        if (cache.size < 10_000) cache.set(type, found);
        return found;
      },
    };
  }

  /**
   * Fold one activity of lead slot `lead` at time `t` (epoch ms). Returns whether it counted or why not.
   * `row` is the activity's cells, for rule conditions.
   */
  add(binding: ActivityBinding, lead: number, t: number, type: string, row: readonly Cell[]): ActivityOutcome {
    const outcome = this.admit(lead, t);
    if (outcome !== 'used') return outcome;
    const matches = binding.rulesFor(type);
    const age = ageDays(this.cm.asOfMs, t);
    this.countActivity(lead, t, age, type, matches === undefined);
    if (matches) {
      let decay = -1;
      for (let i = 0; i < matches.length; i++) {
        const m = matches[i]!;
        if (m.test && !m.test.test(row)) continue;
        decay = this.applyRule(m.k, lead, t, age, decay);
      }
    }
    return 'used';
  }

  /** The as-of and window test of an activity; counts the activities it turns away. */
  admit(lead: number, t: number): ActivityOutcome {
    const age = ageDays(this.cm.asOfMs, t);
    if (age < 0) {
      this.state.future[lead]!++;
      return 'future';
    }
    if (age > this.windowDays) {
      this.state.outsideWindow[lead]!++;
      return 'outside_window';
    }
    return 'used';
  }

  /**
   * The engagement rules an activity matches: its type and, where a rule has one, its `if` on the row.
   * undefined when no rule names the type.
   */
  matchRules(binding: ActivityBinding, type: string, row: readonly Cell[]): number[] | undefined {
    const matches = binding.rulesFor(type);
    if (matches === undefined) return undefined;
    const out: number[] = [];
    for (let i = 0; i < matches.length; i++) {
      const m = matches[i]!;
      if (!m.test || m.test.test(row)) out.push(m.k);
    }
    return out;
  }

  /** Fold an admitted activity whose matching rules are known (undefined: a type no rule names). */
  addMatched(lead: number, t: number, type: string, matched: readonly number[] | undefined): void {
    const age = ageDays(this.cm.asOfMs, t);
    this.countActivity(lead, t, age, type, matched === undefined);
    if (!matched) return;
    let decay = -1;
    for (let i = 0; i < matched.length; i++) decay = this.applyRule(matched[i]!, lead, t, age, decay);
  }

  private countActivity(lead: number, t: number, age: number, type: string, unknownType: boolean): void {
    const st = this.state;
    st.activityCount[lead]!++;
    if (t > st.lastActivity[lead]!) st.lastActivity[lead] = t;
    if (st.counters) this.count(lead, age, type);
    if (unknownType) {
      const key = type.trim();
      st.unknownTypes.set(key, (st.unknownTypes.get(key) ?? 0) + 1);
    }
  }

  /** Add one matching activity to rule k's aggregates; returns the decay factor (computed once per activity). */
  private applyRule(k: number, lead: number, t: number, age: number, decay: number): number {
    const st = this.state;
    const r = this.rules[k]!;
    if (age <= 30) {
      const q = Math.round(r.points * SCALE);
      st.engagement30d[lead]! += q;
      if (age <= 7) st.engagement7d[lead]! += q;
    }
    const totals = st.totals[k];
    if (totals) {
      let f = 1;
      if (r.decays) {
        if (decay < 0) decay = Math.exp(-this.lnHalf * age);
        f = decay;
      }
      totals[lead]! += Math.round(f * SCALE);
    } else {
      this.keepRecent(k, lead, t);
    }
    return decay;
  }

  private count(lead: number, age: number, type: string): void {
    const c = this.state.counters!;
    const base = lead * this.counterWidth;
    if (age <= 30) {
      c[base + 1]!++;
      if (age <= 7) c[base]!++;
    }
    const k = this.typeCounter.get(type.trim().toLowerCase());
    if (k !== undefined) c[base + k]!++;
  }

  /** Age in days of an activity at `t` as of the fold's as-of (negative: after as-of). */
  ageOf(t: number): number {
    return ageDays(this.cm.asOfMs, t);
  }

  /** The decay factor of rule `k` for an activity of that age (1 without decay). */
  decayFactor(k: number, age: number): number {
    const r = this.rules[k]!;
    return r.decays ? Math.exp(-this.lnHalf * age) : 1;
  }

  /** The points one counted activity of that age adds to rule `k`'s total (as the fold adds them: in units of 1e-9). */
  activityPoints(k: number, age: number, points = this.rules[k]!.points): number {
    return (points * Math.round(this.decayFactor(k, age) * SCALE)) / SCALE;
  }

  /** For a max_count rule, the timestamps the fold kept for a lead (the N most recent); undefined for other rules. */
  keptTimes(k: number, lead: number): number[] | undefined {
    const r = this.rules[k]!;
    if (!r.maxCount) return undefined;
    const filled = this.state.filled[k]![lead]!;
    return Array.from(this.state.recent[k]!.subarray(lead * r.maxCount, lead * r.maxCount + filled));
  }

  /**
   * The total of engagement rule `k` for a lead before max_points: decayed, max_count applied. The fold
   * keeps the decayed count of matching activities (each counts 1 × its decay factor), so the points
   * (the model's, or a segment's) multiply in here.
   */
  ruleTotalBeforeCap(k: number, lead: number, points = this.rules[k]!.points): number {
    const r = this.rules[k]!;
    const st = this.state;
    let units = 0;
    const totals = st.totals[k];
    if (totals) units = totals[lead]!;
    else {
      const n = r.maxCount;
      const filled = st.filled[k]![lead]!;
      const recent = st.recent[k]!;
      for (let j = 0; j < filled; j++) {
        const age = ageDays(this.cm.asOfMs, recent[lead * n + j]!);
        units += Math.round((r.decays ? Math.exp(-this.lnHalf * age) : 1) * SCALE);
      }
    }
    return (points * units) / SCALE;
  }

  /** The total of engagement rule `k` for a lead: ruleTotalBeforeCap, then max_points. */
  ruleTotal(k: number, lead: number, points = this.rules[k]!.points): number {
    let total = this.ruleTotalBeforeCap(k, lead, points);
    const cap = this.cm.model.engagement.rules[k]!.maxPoints;
    if (cap !== undefined) total = Math.max(-cap, Math.min(cap, total));
    return total;
  }

  /** Undecayed points of engagement rules over the last 7 / 30 days before as-of. */
  recentPoints(lead: number, days: 7 | 30): number {
    return (days === 7 ? this.state.engagement7d[lead]! : this.state.engagement30d[lead]!) / SCALE;
  }

  activityCount(lead: number): number {
    return this.state.activityCount[lead]!;
  }

  /** Days since the lead's last counted activity, or NaN when it has none. */
  daysSinceLast(lead: number): number {
    const t = this.state.lastActivity[lead]!;
    return t === -Infinity ? NaN : ageDays(this.cm.asOfMs, t);
  }
}
