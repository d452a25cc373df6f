// Per-lead activity aggregates for predictive features (`activity.*`): count, counts in the last 7 / 30
// days, days since the last activity, count per type. They are fed with the activities the one activity
// fold (src/core/score/activity-fold.ts) counted, so train sees activities exactly as score does: the
// same row checks (date_format, null_values), as-of, window and bot filter.
import type { ActivityAggregates } from '../score/predictive.js';
import type { Model } from '../model/types.js';
import { ageDays } from '../value.js';

export class ActivityFeatureFold {
  private readonly count: Int32Array;
  private readonly count7d: Int32Array;
  private readonly count30d: Int32Array;
  private readonly last: Float64Array;
  private readonly byType = new Map<string, Int32Array>();

  constructor(
    readonly leads: number,
    readonly asOfMs: number,
  ) {
    this.count = new Int32Array(leads);
    this.count7d = new Int32Array(leads);
    this.count30d = new Int32Array(leads);
    this.last = new Float64Array(leads).fill(NaN);
  }

  /** One activity the fold counted, of lead `slot`, with its type (as in the file) and timestamp (epoch ms). */
  add(slot: number, type: string, tsMs: number): void {
    const age = ageDays(this.asOfMs, tsMs);
    this.count[slot] = this.count[slot]! + 1;
    if (age <= 7) this.count7d[slot] = this.count7d[slot]! + 1;
    if (age <= 30) this.count30d[slot] = this.count30d[slot]! + 1;
    const l = this.last[slot]!;
    if (Number.isNaN(l) || tsMs > l) this.last[slot] = tsMs;
    const key = type.trim().toLowerCase();
    let per = this.byType.get(key);
    if (!per) this.byType.set(key, (per = new Int32Array(this.leads)));
    per[slot] = per[slot]! + 1;
  }

  /** Activity types seen, most frequent first. */
  types(): string[] {
    const totals = [...this.byType.entries()].map(([t, a]) => [t, a.reduce((s, x) => s + x, 0)] as const);
    return totals.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([t]) => t);
  }

  aggregates(slot: number): ActivityAggregates {
    const byType = new Map<string, number>();
    for (const [t, a] of this.byType) if (a[slot]) byType.set(t, a[slot]!);
    const l = this.last[slot]!;
    return {
      count: this.count[slot]!,
      count7d: this.count7d[slot]!,
      count30d: this.count30d[slot]!,
      daysSinceLast: Number.isNaN(l) ? undefined : ageDays(this.asOfMs, l),
      byType,
    };
  }

  /** Candidate feature columns (NaN = missing), named as predictive features name them. */
  columns(maxTypes = 50): { name: string; values: Float64Array }[] {
    const n = this.leads;
    const days = new Float64Array(n);
    for (let i = 0; i < n; i++) days[i] = Number.isNaN(this.last[i]!) ? NaN : ageDays(this.asOfMs, this.last[i]!);
    const out = [
      { name: 'activity.count', values: Float64Array.from(this.count) },
      { name: 'activity.count_7d', values: Float64Array.from(this.count7d) },
      { name: 'activity.count_30d', values: Float64Array.from(this.count30d) },
      { name: 'activity.days_since_last', values: days },
    ];
    for (const t of this.types().slice(0, maxTypes)) out.push({ name: `activity.count.${t}`, values: Float64Array.from(this.byType.get(t)!) });
    return out;
  }
}

/**
 * The model train folds activities with: the activity columns, the null values, and from a base model
 * (train -m) its date_format, engagement.window_days and bot_filter; no rules (activity.* features
 * count activities of every type).
 */
export function activityFeatureModel(base: Model | undefined, columns: { leadId: string; type: string; timestamp: string }, nullValues: readonly string[]): Model {
  const ai = base?.input.activities;
  const e = base?.engagement;
  return {
    version: 1,
    name: base?.name ?? 'train',
    input: {
      leads: { id: '$row', nullValues: [...nullValues] },
      activities: { ...columns, ...(ai?.dateFormat ? { dateFormat: ai.dateFormat } : {}), ...(ai?.numberFormat ? { numberFormat: ai.numberFormat } : {}) },
    },
    fit: { rules: [] },
    engagement: { rules: [], signals: [], ...(e?.windowDays !== undefined ? { windowDays: e.windowDays } : {}), ...(e?.botFilter ? { botFilter: e.botFilter } : {}) },
    quality: [],
    bands: [],
  };
}
