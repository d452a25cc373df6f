// engagement.bot_filter: email security scanners open and click every link within seconds of delivery,
// and push leads over thresholds. Per lead, in time order, the filter drops
//   - bursts: every activity in a span of `burst.seconds` that holds more than `burst.count` activities;
//   - scanner clicks: a click (`clicks.types`) at most `clicks.seconds` after an activity of a type in
//     `clicks.after` (delivery, open) of the same lead — and with the same `clicks.match_on` value when set.
// Streaming, bounded memory: per lead only the activities of the last few seconds wait for a decision.
// Exact when each file lists a lead's activities in time order (as exports do); an activity that comes
// later than activities already decided is decided on what is left and counted as `unsorted`.
//
// Layout (issue 18: a Map of object queues per lead cost 1.7 GB at 1M leads / 10M activities): leads are
// small integer keys into typed arrays; each lead's waiting and still-needed activities are a doubly
// linked list, in time order (ties in arrival order), of nodes from one pool of typed arrays with a free
// list. Only the payloads (and match values) are JS values, in arrays indexed by node.

import type { BotFilterConfig } from '../model/types.js';

export type BotVerdict = 'burst' | 'scanner_click';

/** An activity type's part in the filter: 0 other, 1 a click type (`clicks.types`), 2 an `after` type. */
export type BotKind = 0 | 1 | 2;

const NIL = -1;
/** Node verdict states; KEEP..SCANNER index VERDICTS. */
const UNDECIDED = -1;
const KEEP = 0;
const BURST = 1;
const SCANNER = 2;
const VERDICTS: readonly (BotVerdict | null)[] = [null, 'burst', 'scanner_click'];

export class BotFilter<T> {
  // per key (lead slot)
  private head = new Int32Array(0);
  private tail = new Int32Array(0);
  /** The time of the key's latest decided activity (-Infinity: none since the last flush). */
  private decidedUpTo = new Float64Array(0);
  /** Keys below this may hold nodes or a decided time: what flush has to visit and reset. */
  private keysUsed = 0;

  // node pool
  private t = new Float64Array(0);
  private next = new Int32Array(0);
  private prev = new Int32Array(0);
  private kind = new Uint8Array(0);
  private verdict = new Int8Array(0);
  private payload: (T | undefined)[] = [];
  /** match_on values, only kept when clicks.matchOn is set. */
  private match: string[] = [];
  private free = NIL;
  private nodesUsed = 0;

  private readonly span: number;
  /** burst.seconds and clicks.seconds in ms; NaN when that part is off. */
  private readonly burstW: number;
  private readonly burstCount: number;
  private readonly clickW: number;
  private readonly matchOn: boolean;
  private readonly clickTypes: Set<string>;
  private readonly afterTypes: Set<string>;
  /** Activities that came after later ones of their lead were already decided. */
  unsorted = 0;
  readonly dropped: Record<BotVerdict, number> = { burst: 0, scanner_click: 0 };

  constructor(
    cfg: BotFilterConfig,
    /** Called with each decided activity (its time `t` too, so a payload need not hold it). */
    private readonly release: (lead: number, payload: T, verdict: BotVerdict | null, t: number) => void,
  ) {
    this.span = Math.max(cfg.burst?.seconds ?? 0, cfg.clicks?.seconds ?? 0) * 1000;
    this.burstW = cfg.burst ? cfg.burst.seconds * 1000 : NaN;
    this.burstCount = cfg.burst ? cfg.burst.count : Infinity;
    this.clickW = cfg.clicks ? cfg.clicks.seconds * 1000 : NaN;
    this.matchOn = !!cfg.clicks?.matchOn;
    this.clickTypes = new Set((cfg.clicks?.types ?? []).map((x) => x.trim().toLowerCase()));
    this.afterTypes = new Set((cfg.clicks?.after ?? []).map((x) => x.trim().toLowerCase()));
  }

  /** The kind of an activity type, for push (callers compute it once per type, not per activity). */
  kindOf(type: string): BotKind {
    const key = type.trim().toLowerCase();
    return this.clickTypes.has(key) ? 1 : this.afterTypes.has(key) ? 2 : 0;
  }

  /** One activity of lead `lead` at `t` (epoch ms) of kind `kind` (kindOf); `match` = its match_on value ('' if none). */
  push(lead: number, t: number, kind: BotKind, match: string, payload: T): void {
    if (lead >= this.head.length) this.growKeys(lead + 1);
    if (lead >= this.keysUsed) this.keysUsed = lead + 1;
    if (t < this.decidedUpTo[lead]!) this.unsorted++;
    const n = this.alloc();
    this.t[n] = t;
    this.kind[n] = kind;
    this.verdict[n] = UNDECIDED;
    this.payload[n] = payload;
    if (this.matchOn) this.match[n] = match;
    // insert after the last node not later than t: in time order, ties in arrival order
    const { next, prev } = this;
    let after = this.tail[lead]!;
    while (after !== NIL && this.t[after]! > t) after = prev[after]!;
    const before = after === NIL ? this.head[lead]! : next[after]!;
    prev[n] = after;
    next[n] = before;
    if (after === NIL) this.head[lead] = n;
    else next[after] = n;
    if (before === NIL) this.tail[lead] = n;
    else prev[before] = n;
    this.decide(lead, this.t[this.tail[lead]!]! - this.span);
  }

  /** Decide and release everything still waiting (at the end of a file), in increasing lead order. */
  flush(): void {
    for (let lead = 0; lead < this.keysUsed; lead++) {
      if (this.head[lead] !== NIL) this.decide(lead, Infinity);
      let n = this.head[lead]!;
      while (n !== NIL) {
        const nx = this.next[n]!;
        this.freeNode(n);
        n = nx;
      }
    }
    this.head.fill(NIL, 0, this.keysUsed);
    this.tail.fill(NIL, 0, this.keysUsed);
    this.decidedUpTo.fill(-Infinity, 0, this.keysUsed);
    this.keysUsed = 0;
  }

  /** Decide the waiting activities older than `ready`, release them, and drop history no longer needed. */
  private decide(lead: number, ready: number): void {
    const { t, next, verdict } = this;
    let last = this.decidedUpTo[lead]!;
    let firstOpen = NIL;
    for (let n = this.head[lead]!; n !== NIL; n = next[n]!) {
      if (verdict[n] !== UNDECIDED) continue;
      if (t[n]! >= ready) {
        firstOpen = n;
        break;
      }
      const v = this.verdictOf(n);
      verdict[n] = v;
      const named = VERDICTS[v]!;
      if (named) this.dropped[named]++;
      this.release(lead, this.payload[n] as T, named, this.t[n]!);
      if (t[n]! > last) last = t[n]!;
    }
    this.decidedUpTo[lead] = last;
    // keep decided activities only while a waiting one could still need them
    const keepFrom = (firstOpen === NIL ? last : t[firstOpen]!) - this.span;
    let n = this.head[lead]!;
    while (n !== NIL && verdict[n] !== UNDECIDED && t[n]! < keepFrom) {
      const nx = next[n]!;
      this.freeNode(n);
      n = nx;
    }
    this.head[lead] = n;
    if (n === NIL) this.tail[lead] = NIL;
    else this.prev[n] = NIL;
  }

  /** The verdict of node `k` on the nodes of its lead's list (decided or not). */
  private verdictOf(k: number): number {
    const { t, next, prev, kind } = this;
    const tk = t[k]!;
    const w = this.burstW;
    if (!Number.isNaN(w)) {
      // a span [t_i, t_i + w] that holds k and more than `count` activities: i runs from the first node
      // within w before k up to k, and the span's last node j only moves forward (two pointers)
      let i = k;
      let inSpan = 1; // nodes i..j
      while (prev[i]! !== NIL && t[prev[i]!]! >= tk - w) {
        i = prev[i]!;
        inSpan++;
      }
      let j = k;
      for (;;) {
        const end = t[i]! + w;
        while (next[j]! !== NIL && t[next[j]!]! <= end) {
          j = next[j]!;
          inSpan++;
        }
        if (inSpan > this.burstCount) return BURST;
        if (i === k) break;
        i = next[i]!;
        inSpan--;
      }
    }
    const cw = this.clickW;
    if (kind[k] === 1 && !Number.isNaN(cw)) {
      // an after-type activity at most cw before the click...
      for (let i = prev[k]!; i !== NIL && t[i]! >= tk - cw; i = prev[i]!) {
        if (kind[i] === 2 && (!this.matchOn || this.match[i] === this.match[k])) return SCANNER;
      }
      // ...or listed after it at the same instant
      for (let i = next[k]!; i !== NIL && t[i]! === tk; i = next[i]!) {
        if (kind[i] === 2 && (!this.matchOn || this.match[i] === this.match[k])) return SCANNER;
      }
    }
    return KEEP;
  }

  private alloc(): number {
    if (this.free !== NIL) {
      const n = this.free;
      this.free = this.next[n]!;
      return n;
    }
    if (this.nodesUsed === this.t.length) this.growNodes();
    return this.nodesUsed++;
  }

  /** Back to the free list; the payload and match are let go so they are not pinned. */
  private freeNode(n: number): void {
    this.payload[n] = undefined;
    if (this.matchOn) this.match[n] = '';
    this.next[n] = this.free;
    this.free = n;
  }

  private growKeys(min: number): void {
    let cap = Math.max(this.head.length * 2, 1024);
    while (cap < min) cap *= 2;
    const old = this.head.length;
    this.head = grow(this.head, cap).fill(NIL, old);
    this.tail = grow(this.tail, cap).fill(NIL, old);
    this.decidedUpTo = grow(this.decidedUpTo, cap).fill(-Infinity, old);
  }

  private growNodes(): void {
    const cap = Math.max(this.t.length * 2, 1024);
    this.t = grow(this.t, cap);
    this.next = grow(this.next, cap);
    this.prev = grow(this.prev, cap);
    this.kind = grow(this.kind, cap);
    this.verdict = grow(this.verdict, cap);
  }
}

/** A copy of `a` with room for `cap` elements (the new ones 0). */
function grow<A extends Int32Array | Float64Array | Uint8Array | Int8Array>(a: A, cap: number): A {
  const b = new (a.constructor as new (n: number) => A)(cap);
  b.set(a);
  return b;
}
