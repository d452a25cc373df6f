// Scored leads kept for ranking in compact form: typed arrays carved from one block, no object or
// string per lead, so that memory grows slowly with the number of leads and the garbage collector has
// little to trace. About 84 bytes a lead for models/b2b-saas.yaml (issue 18: 116 before).
import type { CompiledModel } from './compiled.js';
import { type Contribution, formatReason, type ScoredLead } from './score-lead.js';
import { formatFixed2, formatPoints } from '../value.js';

/** Signed cents as formatPoints writes their value: the same text, without rounding again. */
function formatCents(c: number): string {
  const r = c / 100;
  return r > 0 ? '+' + String(r) : String(r === 0 ? 0 : r);
}

/** Signed cents as formatFixed2 writes their value. */
function formatCentsFixed2(c: number): string {
  if (c === 0) return '0.00';
  const a = Math.abs(c);
  const whole = Math.floor(a / 100);
  const frac = a - whole * 100;
  return (c < 0 ? '-' : '') + whole + (frac < 10 ? '.0' : '.') + frac;
}

export const MAX_REASONS = 5;

/**
 * How a model's scored leads are stored: the narrowest arrays its counts allow (a model may have more
 * than 65,535 rules or 32,767 bands (issue 16): none may wrap), and the reasons' points as cents
 * (those of round2, all a reason shows) unless a predictive section's log-odds terms need the double.
 */
export interface StoreLayout {
  nInterests: number;
  /** Rule slots need 32 bits (else 16). */
  wideSlots: boolean;
  /** Band and segment indexes need 32 bits (else 16). */
  wideIndexes: boolean;
  /** A predictive section: reasons keep their double (log-odds) and the lead's value. */
  predictive: boolean;
}

export function storeLayout(cm: CompiledModel): StoreLayout {
  return {
    nInterests: cm.interests.length,
    wideSlots: cm.rules.length >= 0xffff,
    wideIndexes: Math.max(cm.model.bands.length, cm.model.segments?.length ?? 0) >= 0x7fff,
    predictive: cm.rules.some((r) => r.section === 'predictive'),
  };
}

/**
 * Numbers kept as signed cents (Int32) where only their cents are ever written: a value out of
 * Int32's range is marked BIG and kept as a double in `big`, under its array's key (below).
 */
const BIG = -0x80000000;
const BIG_KEY = { reason: 0, engagement: 1, interest: 2 } as const;
const bigKey = (array: number, j: number) => array * 2 ** 40 + j;

type Slots = Uint16Array | Uint32Array;
type Indexes = Int16Array | Int32Array;

/** A ScoredStore as plain data (typed arrays and string tables), to rebuild it on another thread. */
export interface ScoredStoreData {
  n: number;
  layout: StoreLayout;
  score: Float64Array;
  fit: Float64Array;
  /** Cents, as written (formatFixed2). */
  engagement: Int32Array;
  band: Indexes;
  segment: Indexes;
  grade: Uint32Array;
  flags: Uint32Array;
  reasonSlot: Slots;
  /** Cents (Int32Array), or the doubles of a predictive model (Float64Array). */
  reasonPoints: Int32Array | Float64Array;
  /**
   * Predictive models: per reason, 0 for points, else the interned id (0 = missing) + 1 of the lead's
   * value behind a log-odds term.
   */
  reasonValue: Uint32Array | null;
  /** Cents, as written (formatFixed2). */
  interests: Int32Array;
  grades: string[];
  flagSets: string[];
  values: (string | null)[];
  /** Values out of the cents' range: [bigKey(array, index), value]. */
  big: [number, number][];
}

type Arrays = Pick<ScoredStoreData, 'score' | 'fit' | 'engagement' | 'band' | 'segment' | 'grade' | 'flags' | 'reasonSlot' | 'reasonPoints' | 'reasonValue' | 'interests'>;

/**
 * The store's arrays, carved from one buffer (a SharedArrayBuffer when `shared`: worker threads then
 * read them without a copy). One large block is mapped and unmapped as a whole, where ten arrays of a
 * few MB each are left behind in the allocator's heap once freed.
 */
function carve(n: number, l: StoreLayout, shared: boolean): Arrays {
  const r = n * MAX_REASONS;
  const bytes =
    8 * n * 2 + 4 * n * (1 + l.nInterests) + (l.predictive ? 12 * r : 4 * r) + 8 * n + (l.wideSlots ? 4 : 2) * r + (l.wideIndexes ? 8 : 4) * n;
  const block = shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
  let at = 0;
  const take = <T>(C: new (b: ArrayBufferLike, at: number, k: number) => T, size: number, k: number): T => {
    const a = new C(block, at, k);
    at += size * k;
    return a;
  };
  // (widest first: every view stays aligned)
  const score = take(Float64Array, 8, n);
  const fit = take(Float64Array, 8, n);
  const reasonPoints = l.predictive ? take(Float64Array, 8, r) : take(Int32Array, 4, r);
  const engagement = take(Int32Array, 4, n);
  const interests = take(Int32Array, 4, n * l.nInterests);
  const reasonValue = l.predictive ? take(Uint32Array, 4, r) : null;
  const grade = take(Uint32Array, 4, n);
  const flags = take(Uint32Array, 4, n);
  const band = l.wideIndexes ? take(Int32Array, 4, n) : take(Int16Array, 2, n);
  const segment = l.wideIndexes ? take(Int32Array, 4, n) : take(Int16Array, 2, n);
  const reasonSlot = l.wideSlots ? take(Uint32Array, 4, r).fill(0xffffffff) : take(Uint16Array, 2, r).fill(0xffff);
  return { score, fit, engagement, interests, reasonPoints, reasonValue, grade, flags, band, segment, reasonSlot };
}

export class ScoredStore {
  score!: Float64Array;
  fit!: Float64Array;
  private engagement!: Int32Array;
  band!: Indexes;
  segment!: Indexes;
  private grade!: Uint32Array;
  private flags!: Uint32Array;
  private reasonSlot!: Slots;
  private reasonPoints!: Int32Array | Float64Array;
  private reasonValue!: Uint32Array | null;
  private interests!: Int32Array;
  /** A reason slot left empty. */
  private readonly none: number;
  private readonly values: (string | null)[] = [null];
  private readonly valueIds = new Map<string, number>();
  private readonly grades: string[] = [''];
  private readonly gradeIds = new Map<string, number>([['', 0]]);
  private readonly flagSets: string[] = [''];
  private readonly flagIds = new Map<string, number>([['', 0]]);
  private readonly big = new Map<number, number>();

  constructor(
    private readonly n: number,
    private readonly layout: StoreLayout,
    /** Allocate the arrays in shared memory (see data()). */
    shared = false,
    from?: ScoredStoreData,
  ) {
    this.use(from ?? carve(n, layout, shared));
    this.none = layout.wideSlots ? 0xffffffff : 0xffff;
    if (from) {
      from.grades.forEach((g, k) => (this.grades[k] = g, this.gradeIds.set(g, k)));
      from.flagSets.forEach((f, k) => (this.flagSets[k] = f, this.flagIds.set(f, k)));
      from.values.forEach((v, k) => (this.values[k] = v, v !== null && this.valueIds.set(v, k)));
      for (const [k, v] of from.big) this.big.set(k, v);
    }
  }

  /** Drop the arrays once every row is written (cells() must not be called afterwards). */
  release(): void {
    this.use(carve(0, this.layout, false));
    this.big.clear();
  }

  private use(a: Arrays): void {
    this.score = a.score;
    this.fit = a.fit;
    this.engagement = a.engagement;
    this.band = a.band;
    this.segment = a.segment;
    this.grade = a.grade;
    this.flags = a.flags;
    this.reasonSlot = a.reasonSlot;
    this.reasonPoints = a.reasonPoints;
    this.reasonValue = a.reasonValue;
    this.interests = a.interests;
  }

  /** The store as data: posted to a worker thread, shared arrays are seen there without a copy. */
  data(): ScoredStoreData {
    const { n, layout, score, fit, engagement, band, segment, grade, flags, reasonSlot, reasonPoints, reasonValue, interests, grades, flagSets, values } = this;
    return { n, layout, score, fit, engagement, band, segment, grade, flags, reasonSlot, reasonPoints, reasonValue, interests, grades, flagSets, values, big: [...this.big] };
  }

  /**
   * Leads [from, to) were set by another thread through a store over this one's data(): its grade,
   * flag and value texts (`d`) are numbered its own way; renumber them into this store's.
   */
  adopt(from: number, to: number, d: Pick<ScoredStoreData, 'grades' | 'flagSets' | 'values' | 'big'>): void {
    const g = d.grades.map((x) => this.intern(x, this.grades, this.gradeIds));
    const f = d.flagSets.map((x) => this.intern(x, this.flagSets, this.flagIds));
    for (let i = from; i < to; i++) {
      this.grade[i] = g[this.grade[i]!]!;
      this.flags[i] = f[this.flags[i]!]!;
    }
    const rv = this.reasonValue;
    if (rv) {
      const v = d.values.map((x) => this.valueId(x));
      for (let j = from * MAX_REASONS; j < to * MAX_REASONS; j++) if (rv[j]! > 0) rv[j] = v[rv[j]! - 1]! + 1;
    }
    for (const [k, p] of d.big) this.big.set(k, p);
  }

  /** A store over data() of another (on a worker thread). */
  static of(d: ScoredStoreData): ScoredStore {
    return new ScoredStore(d.n, d.layout, false, d);
  }

  private intern(s: string, list: string[], ids: Map<string, number>): number {
    let id = ids.get(s);
    if (id === undefined) {
      id = list.push(s) - 1;
      ids.set(s, id);
    }
    return id;
  }

  private valueId(v: string | null | undefined): number {
    if (v === null || v === undefined) return 0;
    let id = this.valueIds.get(v);
    if (id === undefined) {
      id = this.values.push(v) - 1;
      this.valueIds.set(v, id);
    }
    return id;
  }

  /** Keep lead `i`; `top` = its reasons (topContributions of its contributions). */
  set(i: number, l: ScoredLead, top: readonly Contribution[]): void {
    this.score[i] = l.score;
    this.fit[i] = l.fit;
    this.engagement[i] = this.cents(l.engagement, BIG_KEY.engagement, i);
    this.band[i] = l.band;
    this.segment[i] = l.segment;
    this.grade[i] = this.intern(l.grade, this.grades, this.gradeIds);
    this.flags[i] = l.flags.length ? this.intern(l.flags.join(';'), this.flagSets, this.flagIds) : 0;
    const rp = this.reasonPoints;
    for (let k = 0; k < top.length; k++) {
      const c = top[k]!;
      const j = i * MAX_REASONS + k;
      this.reasonSlot[j] = c.slot;
      if (this.reasonValue) {
        // (a log-odds term: its value's id + 1; points, of a rule or a blended feature: 0)
        rp[j] = c.logOdds ?? c.points;
        this.reasonValue[j] = c.logOdds === undefined ? 0 : this.valueId(c.value) + 1;
        continue;
      }
      rp[j] = this.cents(c.points, BIG_KEY.reason, j);
    }
    const m = this.layout.nInterests;
    for (let k = 0; k < m; k++) this.interests[i * m + k] = this.cents(l.interests[k]!, BIG_KEY.interest, i * m + k);
  }

  /**
   * x as the signed cents of round2 (formatPoints and formatFixed2 write no more), or BIG with x kept
   * in `big` when they are out of Int32's range.
   */
  private cents(x: number, array: number, j: number): number {
    const c = Math.round(Math.abs(x) * 100 + 1e-9);
    if (c <= 0x7fffffff) return x < 0 ? -c : c;
    this.big.set(bigKey(array, j), x);
    return BIG;
  }

  /** formatFixed2 of the number kept as cents at j of an array. */
  private fixed2(c: number, array: number, j: number): string {
    return c === BIG ? formatFixed2(this.big.get(bigKey(array, j))!) : formatCentsFixed2(c);
  }

  reasons(i: number, cm: CompiledModel): string {
    let out = '';
    for (let k = 0; k < MAX_REASONS; k++) {
      const j = i * MAX_REASONS + k;
      const slot = this.reasonSlot[j]!;
      if (slot === this.none) break;
      if (k > 0) out += '; ';
      const rule = cm.rules[slot]!;
      const p = this.reasonPoints[j]!;
      // a predictive section's feature: its value and log-odds term (formatReason in score-lead.ts)
      const v = this.reasonValue ? this.reasonValue[j]! : 0;
      if (v > 0) out += formatReason(rule.id, p, this.values[v - 1], true);
      else if (this.reasonValue) out += rule.id + ' ' + formatPoints(p);
      else out += rule.id + ' ' + (p === BIG ? formatPoints(this.big.get(bigKey(BIG_KEY.reason, j))!) : formatCents(p));
    }
    return out;
  }

  /**
   * The cells scored.csv adds after the lead's own columns, for lead `i` at rank `rank`: rank, score,
   * band, grade, fit, engagement, flags, reasons, interest_*, and segment when the model has segments.
   */
  cells(i: number, rank: number, cm: CompiledModel, out: string[]): string[] {
    const b = this.band[i]!;
    out[0] = String(rank);
    out[1] = formatFixed2(this.score[i]!);
    out[2] = b >= 0 ? cm.model.bands[b]!.name : '';
    out[3] = this.grades[this.grade[i]!]!;
    out[4] = formatFixed2(this.fit[i]!);
    out[5] = this.fixed2(this.engagement[i]!, BIG_KEY.engagement, i);
    out[6] = this.flagSets[this.flags[i]!]!;
    out[7] = this.reasons(i, cm);
    const m = this.layout.nInterests;
    for (let k = 0; k < m; k++) out[8 + k] = this.fixed2(this.interests[i * m + k]!, BIG_KEY.interest, i * m + k);
    const segs = cm.model.segments;
    if (segs?.length) {
      const g = this.segment[i]!;
      out[8 + m] = g >= 0 ? segs[g]!.id : '';
    }
    return out;
  }
}
