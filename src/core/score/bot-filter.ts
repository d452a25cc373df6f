// engagement.bot_filter: email security scanners open and click every link within seconds of delivery,
// and push leads over thresholds. Per lead, in time order, the filter drops
//   - bursts: every activity in a span of `burst.seconds` that holds more than `burst.count` activities;
//   - scanner clicks: a click (`clicks.types`) at most `clicks.seconds` after an activity of a type in
//     `clicks.after` (delivery, open) of the same lead — and with the same `clicks.match_on` value when set.
// Streaming, bounded memory: per lead only the activities of the last few seconds wait for a decision.
// Exact when each file lists a lead's activities in time order (as exports do); an activity that comes
// later than activities already decided is decided on what is left and counted as `unsorted`.

import type { BotFilterConfig } from '../model/types.js';

export type BotVerdict = 'burst' | 'scanner_click';

interface Pending<T> {
  t: number;
  kind: 0 | 1 | 2; // other, click, after-type (delivery/open)
  match: string;
  payload: T;
  verdict: BotVerdict | null | undefined; // undefined: not decided yet
}

export class BotFilter<T> {
  private readonly queues = new Map<number, Pending<T>[]>();
  /** Per lead, the time of the latest decided activity. */
  private readonly decidedUpTo = new Map<number, number>();
  private readonly span: number;
  private readonly clickTypes: Set<string>;
  private readonly afterTypes: Set<string>;
  /** Activities that came after later ones of their lead were already decided. */
  unsorted = 0;
  readonly dropped: Record<BotVerdict, number> = { burst: 0, scanner_click: 0 };

  constructor(
    private readonly cfg: BotFilterConfig,
    private readonly release: (lead: number, payload: T, verdict: BotVerdict | null) => void,
  ) {
    this.span = Math.max(cfg.burst?.seconds ?? 0, cfg.clicks?.seconds ?? 0) * 1000;
    this.clickTypes = new Set((cfg.clicks?.types ?? []).map((x) => x.trim().toLowerCase()));
    this.afterTypes = new Set((cfg.clicks?.after ?? []).map((x) => x.trim().toLowerCase()));
  }

  /** One activity of lead `lead` at `t` (epoch ms) of `type`; `match` = its match_on value ('' if none). */
  push(lead: number, t: number, type: string, match: string, payload: T): void {
    let q = this.queues.get(lead);
    if (!q) this.queues.set(lead, (q = []));
    const key = type.trim().toLowerCase();
    const item: Pending<T> = { t, kind: this.clickTypes.has(key) ? 1 : this.afterTypes.has(key) ? 2 : 0, match, payload, verdict: undefined };
    const decided = this.decidedUpTo.get(lead);
    if (decided !== undefined && t < decided) this.unsorted++;
    let i = q.length;
    while (i > 0 && q[i - 1]!.t > t) i--;
    q.splice(i, 0, item);
    this.decide(lead, q, q[q.length - 1]!.t - this.span);
  }

  /** Decide and release everything still waiting (at the end of a file). */
  flush(): void {
    for (const [lead, q] of this.queues) this.decide(lead, q, Infinity);
    this.queues.clear();
    this.decidedUpTo.clear();
  }

  /** Decide the waiting activities older than `ready`, release them, and drop history no longer needed. */
  private decide(lead: number, q: Pending<T>[], ready: number): void {
    let last = this.decidedUpTo.get(lead) ?? -Infinity;
    for (let i = 0; i < q.length; i++) {
      const p = q[i]!;
      if (p.verdict !== undefined) continue;
      if (p.t >= ready) break;
      p.verdict = this.verdictOf(q, i);
      if (p.verdict) this.dropped[p.verdict]++;
      this.release(lead, p.payload, p.verdict);
      if (p.t > last) last = p.t;
    }
    this.decidedUpTo.set(lead, last);
    // keep decided activities only while a waiting one could still need them
    let firstOpen = q.findIndex((p) => p.verdict === undefined);
    const keepFrom = (firstOpen < 0 ? last : q[firstOpen]!.t) - this.span;
    let cut = 0;
    while (cut < q.length && q[cut]!.verdict !== undefined && q[cut]!.t < keepFrom) cut++;
    if (cut) q.splice(0, cut);
    if (q.length === 0) this.queues.delete(lead);
  }

  private verdictOf(q: Pending<T>[], k: number): BotVerdict | null {
    const p = q[k]!;
    const b = this.cfg.burst;
    if (b) {
      const w = b.seconds * 1000;
      // a span [t_i, t_i + w] that holds p and more than `count` activities
      let i = k;
      while (i > 0 && q[i - 1]!.t >= p.t - w) i--;
      for (; i <= k; i++) {
        let j = k;
        while (j + 1 < q.length && q[j + 1]!.t <= q[i]!.t + w) j++;
        if (j - i + 1 > b.count) return 'burst';
      }
    }
    const c = this.cfg.clicks;
    if (c && p.kind === 1) {
      const w = c.seconds * 1000;
      for (let i = k - 1; i >= 0 && q[i]!.t >= p.t - w; i--) {
        const o = q[i]!;
        if (o.kind === 2 && (!c.matchOn || o.match === p.match)) return 'scanner_click';
      }
      // an open listed after the click at the same instant
      for (let i = k + 1; i < q.length && q[i]!.t === p.t; i++) {
        const o = q[i]!;
        if (o.kind === 2 && (!c.matchOn || o.match === p.match)) return 'scanner_click';
      }
    }
    return null;
  }
}
