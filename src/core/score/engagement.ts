// Activities folded into compact per-lead aggregates (PRODUCT.md §5): nothing per activity survives
// its row. Per lead: a running decayed total per engagement rule (or, with max_count, the N most
// recent timestamps), activity count, last activity time, and the undecayed 7/30-day points.
import { compileCondition, type CompiledCondition } from '../model/compile.js';
import { columnMatcher } from '../columns.js';
import { type Cell, DAY_MS } from '../value.js';
import type { CompiledModel } from './compiled.js';

/**
 * Per-activity points are accumulated as integers in units of 1e-9 points: integer sums below 2^53 are
 * exact in a double, so a lead's totals do not depend on the order its activities were read in (the
 * rank stays the same for any row order). The quantisation error is at most 5e-10 points per activity.
 */
const SCALE = 1e9;

export type ActivityOutcome = 'used' | 'future' | 'outside_window';

interface RuleState {
  points: number;
  decays: boolean;
  /** Decayed totals per lead, for rules without max_count. */
  totals?: Float64Array;
  /** With max_count N: N timestamps per lead (the most recent kept) and how many are filled. */
  maxCount?: number;
  recent?: Float64Array;
  filled?: Uint16Array;
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
  readonly nLeads: number;
  readonly activityCount: Uint32Array;
  readonly lastActivity: Float64Array;
  private readonly engagement7d: Float64Array;
  private readonly engagement30d: Float64Array;
  /** Activities of types no rule names, per type as written (first spelling). */
  readonly unknownTypes = new Map<string, number>();
  private readonly rules: RuleState[];
  private readonly lnHalf: number;
  private readonly windowDays: number;

  constructor(
    private readonly cm: CompiledModel,
    nLeads: number,
  ) {
    this.nLeads = nLeads;
    this.activityCount = new Uint32Array(nLeads);
    this.lastActivity = new Float64Array(nLeads).fill(-Infinity);
    this.engagement7d = new Float64Array(nLeads);
    this.engagement30d = new Float64Array(nLeads);
    const e = cm.model.engagement;
    this.lnHalf = e.halfLifeDays ? Math.LN2 / e.halfLifeDays : 0;
    this.windowDays = e.windowDays ?? Infinity;
    this.rules = e.rules.map((r) => {
      const decays = r.decay && this.lnHalf > 0;
      if (r.maxCount) {
        return {
          points: r.points,
          decays,
          maxCount: r.maxCount,
          recent: new Float64Array(nLeads * r.maxCount),
          filled: new Uint16Array(nLeads),
        };
      }
      return { points: r.points, decays, totals: new Float64Array(nLeads) };
    });
  }

  /** Bind the engagement rules to one activity file's header. */
  bind(header: readonly string[]): ActivityBinding {
    const index = columnMatcher(header);
    const cm = this.cm;
    const ctx = {
      index,
      nulls: cm.nulls,
      asOfMs: cm.asOfMs,
      numberFormat: cm.model.input.activities.numberFormat ?? cm.numberFormat,
      dateFormat: cm.model.input.activities.dateFormat ?? cm.dateFormat,
      onUnparsable: (field: string) => cm.unparsable.set(field, (cm.unparsable.get(field) ?? 0) + 1),
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
   * Fold one activity of lead `lead` at time `t` (epoch ms). Returns whether it counted or why not.
   * `row` is the activity's cells, for rule conditions.
   */
  add(binding: ActivityBinding, lead: number, t: number, type: string, row: readonly Cell[]): ActivityOutcome {
    const age = (this.cm.asOfMs - t) / DAY_MS;
    if (age < 0) return 'future';
    if (age > this.windowDays) return 'outside_window';
    this.activityCount[lead]!++;
    if (t > this.lastActivity[lead]!) this.lastActivity[lead] = t;
    const matches = binding.rulesFor(type);
    if (matches === undefined) {
      const key = type.trim();
      this.unknownTypes.set(key, (this.unknownTypes.get(key) ?? 0) + 1);
      return 'used';
    }
    let decay = -1;
    for (let i = 0; i < matches.length; i++) {
      const m = matches[i]!;
      if (m.test && !m.test.test(row)) continue;
      const r = this.rules[m.k]!;
      if (age <= 30) {
        const q = Math.round(r.points * SCALE);
        this.engagement30d[lead]! += q;
        if (age <= 7) this.engagement7d[lead]! += q;
      }
      if (r.totals) {
        let f = 1;
        if (r.decays) {
          if (decay < 0) decay = Math.exp(-this.lnHalf * age);
          f = decay;
        }
        r.totals[lead]! += Math.round(r.points * f * SCALE);
      } else {
        const n = r.maxCount!;
        const base = lead * n;
        const recent = r.recent!;
        const filled = r.filled![lead]!;
        if (filled < n) {
          recent[base + filled] = t;
          r.filled![lead] = filled + 1;
        } else {
          let minAt = base;
          for (let j = base + 1; j < base + n; j++) if (recent[j]! < recent[minAt]!) minAt = j;
          if (t > recent[minAt]!) recent[minAt] = t;
        }
      }
    }
    return 'used';
  }

  /** The total of engagement rule `k` for a lead: decayed, max_count applied, then max_points. */
  ruleTotal(k: number, lead: number): number {
    const r = this.rules[k]!;
    let total = 0;
    if (r.totals) total = r.totals[lead]! / SCALE;
    else {
      const n = r.maxCount!;
      const filled = r.filled![lead]!;
      for (let j = 0; j < filled; j++) {
        const age = (this.cm.asOfMs - r.recent![lead * n + j]!) / DAY_MS;
        total += Math.round(r.points * (r.decays ? Math.exp(-this.lnHalf * age) : 1) * SCALE);
      }
      total /= SCALE;
    }
    const cap = this.cm.model.engagement.rules[k]!.maxPoints;
    if (cap !== undefined) total = Math.max(-cap, Math.min(cap, total));
    return total;
  }

  /** Undecayed points of engagement rules over the last 7 / 30 days before as-of. */
  recentPoints(lead: number, days: 7 | 30): number {
    return (days === 7 ? this.engagement7d[lead]! : this.engagement30d[lead]!) / SCALE;
  }

  /** Days since the lead's last counted activity, or NaN when it has none. */
  daysSinceLast(lead: number): number {
    const t = this.lastActivity[lead]!;
    return t === -Infinity ? NaN : (this.cm.asOfMs - t) / DAY_MS;
  }
}
