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
// Cache misses are the cost (1M leads pushed to in random order), so a key's fields share 32 bytes and
// a node's fields 32 bytes (one cache line each). Export-like data mostly pushes to a lead with nothing
// waiting or with one activity older than the span, decided then on its own: a lead whose list is that
// one waiting activity holds it in its key record ("solo": time and kind there, payload and match in
// `held` at 2·key, 2·key + 1), so such a push touches two lines and no node; a solo goes to a node
// when a second activity comes within the span, and the general insert/decide/prune walk runs.

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

// Key record, 32 bytes: the decided time (f64 at KF·key), head and tail (i32 at KI·key + 2, + 3), and a
// solo's time (f64 at KF·key + SOLO_T) and kind (i32 at KI·key + SOLO_KIND).
const KF = 4;
const KI = 8;
const HEAD = 2;
const TAIL = 3;
const SOLO_T = 2;
const SOLO_KIND = 6;
/** The head of a key whose one waiting activity is held in its key record. */
const SOLO = -2;
// Node record, NODE_BYTES: the time (f64 at NF·node), next, prev, kind, verdict (i32 at NI·node + 2..5).
const NODE_BYTES = 32;
const NF = NODE_BYTES / 8;
const NI = NODE_BYTES / 4;
const NEXT = 2;
const PREV = 3;
const KIND = 4;
const VERDICT = 5;

export class BotFilter<T> {
  // per key (lead slot), one buffer seen as f64 and i32
  private keyF = new Float64Array(0);
  private keyI = new Int32Array(0);
  private keyCap = 0;
  /** A solo's payload and match_on value, at 2·key and 2·key + 1 (one cache line). */
  private held: unknown[] = [];
  /** Keys below this may hold nodes or a decided time: what flush has to visit and reset. */
  private keysUsed = 0;

  // node pool, one buffer seen as f64 and i32
  private nodeF = new Float64Array(0);
  private nodeI = new Int32Array(0);
  private nodeCap = 0;
  /** Payloads of waiting nodes (undefined once released, so they are not pinned). */
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
  /** The verdict of an activity with no other within the span (burst.count 0 makes it a burst). */
  private readonly aloneVerdict: number;
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
    this.aloneVerdict = !Number.isNaN(this.burstW) && 1 > this.burstCount ? BURST : KEEP;
  }

  /** The kind of an activity type, for push (callers compute it once per type, not per activity). */
  kindOf(type: string): BotKind {
    const key = type.trim().toLowerCase();
    return this.clickTypes.has(key) ? 1 : this.afterTypes.has(key) ? 2 : 0;
  }

  /** One activity of lead `lead` at `t` (epoch ms) of kind `kind` (kindOf); `match` = its match_on value ('' if none). */
  push(lead: number, t: number, kind: BotKind, match: string, payload: T): void {
    if (lead >= this.keyCap) this.growKeys(lead + 1);
    if (lead >= this.keysUsed) this.keysUsed = lead + 1;
    const keyF = this.keyF;
    const keyI = this.keyI;
    const f = KF * lead;
    const k = KI * lead;
    const last = keyF[f]!;
    if (t < last) this.unsorted++;
    const ready = t - this.span;
    const h = keyI[k + HEAD]!;
    if (h === SOLO) {
      const th = keyF[f + SOLO_T]!;
      if (th < ready && t >= ready) {
        // the solo is alone in its span: decided now (what the general walk would do); the new one is the solo
        const named = VERDICTS[this.aloneVerdict]!;
        if (named) this.dropped[named]++;
        const held = this.held;
        const was = held[2 * lead] as T;
        keyF[f + SOLO_T] = t;
        keyI[k + SOLO_KIND] = kind;
        held[2 * lead] = payload;
        if (this.matchOn) held[2 * lead + 1] = match;
        keyF[f] = th > last ? th : last;
        this.release(lead, was, named, th);
        return;
      }
      this.unsolo(lead);
    } else if (h === NIL) {
      if (t >= ready) {
        // nothing waiting: the new activity waits alone
        keyI[k + HEAD] = SOLO;
        keyF[f + SOLO_T] = t;
        keyI[k + SOLO_KIND] = kind;
        this.held[2 * lead] = payload;
        if (this.matchOn) this.held[2 * lead + 1] = match;
        return;
      }
    } else if (h === keyI[k + TAIL]!) {
      // one node h, waiting, alone in its span: decided now; its node goes back and the new one is the solo
      const nodeF = this.nodeF;
      const nodeI = this.nodeI;
      const th = nodeF[h * NF]!;
      if (th < ready && t >= ready && nodeI[h * NI + VERDICT] === UNDECIDED) {
        const named = VERDICTS[this.aloneVerdict]!;
        if (named) this.dropped[named]++;
        const was = this.payload[h] as T;
        this.payload[h] = undefined;
        this.freeNode(h);
        keyI[k + HEAD] = SOLO;
        keyI[k + TAIL] = NIL;
        keyF[f + SOLO_T] = t;
        keyI[k + SOLO_KIND] = kind;
        this.held[2 * lead] = payload;
        if (this.matchOn) this.held[2 * lead + 1] = match;
        keyF[f] = th > last ? th : last;
        this.release(lead, was, named, th);
        return;
      }
    }
    this.pushAny(lead, t, kind, match, payload);
  }

  /** The key's solo to a node of its list (then the only one). */
  private unsolo(lead: number): void {
    const n = this.alloc();
    const { nodeF, nodeI, keyF, keyI, held } = this;
    nodeF[n * NF] = keyF[KF * lead + SOLO_T]!;
    nodeI[n * NI + NEXT] = NIL;
    nodeI[n * NI + PREV] = NIL;
    nodeI[n * NI + KIND] = keyI[KI * lead + SOLO_KIND]!;
    nodeI[n * NI + VERDICT] = UNDECIDED;
    this.payload[n] = held[2 * lead] as T;
    if (this.matchOn) this.match[n] = held[2 * lead + 1] as string;
    held[2 * lead] = undefined;
    held[2 * lead + 1] = undefined;
    keyI[KI * lead + HEAD] = n;
    keyI[KI * lead + TAIL] = n;
  }

  /** push in general: insert in time order, then decide what is older than the span before the tail. */
  private pushAny(lead: number, t: number, kind: BotKind, match: string, payload: T): void {
    const n = this.alloc();
    const { nodeF, nodeI, keyI } = this;
    nodeF[n * NF] = t;
    nodeI[n * NI + KIND] = kind;
    nodeI[n * NI + VERDICT] = UNDECIDED;
    this.payload[n] = payload;
    if (this.matchOn) this.match[n] = match;
    // insert after the last node not later than t: in time order, ties in arrival order
    let after = keyI[KI * lead + TAIL]!;
    while (after !== NIL && nodeF[after * NF]! > t) after = nodeI[after * NI + PREV]!;
    const before = after === NIL ? keyI[KI * lead + HEAD]! : nodeI[after * NI + NEXT]!;
    nodeI[n * NI + PREV] = after;
    nodeI[n * NI + NEXT] = before;
    if (after === NIL) keyI[KI * lead + HEAD] = n;
    else nodeI[after * NI + NEXT] = n;
    if (before === NIL) keyI[KI * lead + TAIL] = n;
    else nodeI[before * NI + PREV] = n;
    this.decide(lead, nodeF[keyI[KI * lead + TAIL]! * NF]! - this.span);
  }

  /** Decide and release everything still waiting (at the end of a file), in increasing lead order. */
  flush(): void {
    const { keyF, keyI } = this;
    for (let lead = 0; lead < this.keysUsed; lead++) {
      if (keyI[KI * lead + HEAD] === SOLO) {
        const named = VERDICTS[this.aloneVerdict]!;
        if (named) this.dropped[named]++;
        const was = this.held[2 * lead] as T;
        this.held[2 * lead] = undefined;
        this.held[2 * lead + 1] = undefined;
        keyI[KI * lead + HEAD] = NIL;
        this.release(lead, was, named, keyF[KF * lead + SOLO_T]!);
      } else if (keyI[KI * lead + HEAD] !== NIL) this.decide(lead, Infinity);
      let n = keyI[KI * lead + HEAD]!;
      while (n !== NIL) {
        const nx = this.nodeI[n * NI + NEXT]!;
        this.freeNode(n);
        n = nx;
      }
      keyF[KF * lead] = -Infinity;
      keyI[KI * lead + HEAD] = NIL;
      keyI[KI * lead + TAIL] = NIL;
    }
    this.keysUsed = 0;
  }

  /** Decide the waiting activities older than `ready`, release them, and drop history no longer needed. */
  private decide(lead: number, ready: number): void {
    const { nodeF, nodeI, keyF, keyI } = this;
    let last = keyF[KF * lead]!;
    let firstOpen = NIL;
    for (let n = keyI[KI * lead + HEAD]!; n !== NIL; n = nodeI[n * NI + NEXT]!) {
      if (nodeI[n * NI + VERDICT] !== UNDECIDED) continue;
      const tn = nodeF[n * NF]!;
      if (tn >= ready) {
        firstOpen = n;
        break;
      }
      const v = this.verdictOf(n);
      nodeI[n * NI + VERDICT] = v;
      const named = VERDICTS[v]!;
      if (named) this.dropped[named]++;
      const held = this.payload[n] as T;
      this.payload[n] = undefined;
      this.release(lead, held, named, tn);
      if (tn > last) last = tn;
    }
    keyF[KF * lead] = last;
    // keep decided activities only while a waiting one could still need them
    const keepFrom = (firstOpen === NIL ? last : nodeF[firstOpen * NF]!) - this.span;
    let n = keyI[KI * lead + HEAD]!;
    while (n !== NIL && nodeI[n * NI + VERDICT] !== UNDECIDED && nodeF[n * NF]! < keepFrom) {
      const nx = nodeI[n * NI + NEXT]!;
      this.freeNode(n);
      n = nx;
    }
    keyI[KI * lead + HEAD] = n;
    if (n === NIL) keyI[KI * lead + TAIL] = NIL;
    else nodeI[n * NI + PREV] = NIL;
  }

  /** The verdict of node `k` on the nodes of its lead's list (decided or not). */
  private verdictOf(k: number): number {
    const { nodeF: f, nodeI: x } = this;
    const tk = f[k * NF]!;
    const w = this.burstW;
    if (!Number.isNaN(w)) {
      // a span [t_i, t_i + w] that holds k and more than `count` activities: i runs from the first node
      // within w before k up to k, and the span's last node j only moves forward (two pointers)
      let i = k;
      let inSpan = 1; // nodes i..j
      for (let p = x[i * NI + PREV]!; p !== NIL && f[p * NF]! >= tk - w; p = x[i * NI + PREV]!) {
        i = p;
        inSpan++;
      }
      let j = k;
      for (;;) {
        const end = f[i * NF]! + w;
        for (let q = x[j * NI + NEXT]!; q !== NIL && f[q * NF]! <= end; q = x[j * NI + NEXT]!) {
          j = q;
          inSpan++;
        }
        if (inSpan > this.burstCount) return BURST;
        if (i === k) break;
        i = x[i * NI + NEXT]!;
        inSpan--;
      }
    }
    const cw = this.clickW;
    if (x[k * NI + KIND] === 1 && !Number.isNaN(cw)) {
      // an after-type activity at most cw before the click...
      for (let i = x[k * NI + PREV]!; i !== NIL && f[i * NF]! >= tk - cw; i = x[i * NI + PREV]!) {
        if (x[i * NI + KIND] === 2 && (!this.matchOn || this.match[i] === this.match[k])) return SCANNER;
      }
      // ...or listed after it at the same instant
      for (let i = x[k * NI + NEXT]!; i !== NIL && f[i * NF]! === tk; i = x[i * NI + NEXT]!) {
        if (x[i * NI + KIND] === 2 && (!this.matchOn || this.match[i] === this.match[k])) return SCANNER;
      }
    }
    return KEEP;
  }

  private alloc(): number {
    if (this.free !== NIL) {
      const n = this.free;
      this.free = this.nodeI[n * NI + NEXT]!;
      return n;
    }
    if (this.nodesUsed === this.nodeCap) this.growNodes();
    return this.nodesUsed++;
  }

  /** Back to the free list (its payload was let go when it was released); the match is let go too. */
  private freeNode(n: number): void {
    if (this.matchOn) this.match[n] = '';
    this.nodeI[n * NI + NEXT] = this.free;
    this.free = n;
  }

  private growKeys(min: number): void {
    let cap = Math.max(this.keyCap * 2, 1024);
    while (cap < min) cap *= 2;
    const buf = new ArrayBuffer(cap * KF * 8);
    new Uint8Array(buf).set(new Uint8Array(this.keyF.buffer));
    this.keyF = new Float64Array(buf);
    this.keyI = new Int32Array(buf);
    for (let k = this.keyCap; k < cap; k++) {
      this.keyF[KF * k] = -Infinity;
      this.keyI[KI * k + HEAD] = NIL;
      this.keyI[KI * k + TAIL] = NIL;
      this.held.push(undefined, undefined);
    }
    this.keyCap = cap;
  }

  private growNodes(): void {
    const cap = Math.max(this.nodeCap * 2, 1024);
    const buf = new ArrayBuffer(cap * NODE_BYTES);
    new Uint8Array(buf).set(new Uint8Array(this.nodeF.buffer));
    this.nodeF = new Float64Array(buf);
    this.nodeI = new Int32Array(buf);
    this.nodeCap = cap;
  }
}
