// Per-lead activity aggregates for predictive features (`activity.*`), folded from a stream of
// activities: count, counts in the last 7 / 30 days, days since the last activity, count per type.
// Only activities at or before as-of count (as in scoring: a past as-of reproduces a past state).
import type { ActivityAggregates } from '../score/predictive.js';
import { DAY_MS } from '../value.js';

export class ActivityFeatureFold {
  private readonly count: Int32Array;
  private readonly count7d: Int32Array;
  private readonly count30d: Int32Array;
  private readonly last: Float64Array;
  private readonly byType = new Map<string, Int32Array>();
  /** Activities after as-of (ignored). */
  future = 0;
  used = 0;

  constructor(
    readonly leads: number,
    readonly asOfMs: number,
  ) {
    this.count = new Int32Array(leads);
    this.count7d = new Int32Array(leads);
    this.count30d = new Int32Array(leads);
    this.last = new Float64Array(leads).fill(NaN);
  }

  /** One activity of lead `slot` with its type (as in the file) and timestamp (epoch ms). */
  add(slot: number, type: string, tsMs: number): void {
    const age = (this.asOfMs - tsMs) / DAY_MS;
    if (age < 0) {
      this.future++;
      return;
    }
    this.used++;
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
      daysSinceLast: Number.isNaN(l) ? undefined : (this.asOfMs - l) / DAY_MS,
      byType,
    };
  }

  /** Candidate feature columns (NaN = missing), named as predictive features name them. */
  columns(maxTypes = 50): { name: string; values: Float64Array }[] {
    const n = this.leads;
    const days = new Float64Array(n);
    for (let i = 0; i < n; i++) days[i] = Number.isNaN(this.last[i]!) ? NaN : (this.asOfMs - this.last[i]!) / DAY_MS;
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
