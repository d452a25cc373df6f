// Scored leads kept for ranking in compact form: typed arrays, no object or string per lead, so that
// memory grows slowly with the number of leads and the garbage collector has little to trace. 32-bit
// indexes: a model may have more than 65,535 rules, bands or flag sets (issue 16), none may wrap.
import type { CompiledModel } from './compiled.js';
import { type Contribution, formatReason, type ScoredLead } from './score-lead.js';
import { formatFixed2, formatPoints } from '../value.js';

export const MAX_REASONS = 5;
const NONE = 0xffffffff;

/** A ScoredStore as plain data (typed arrays and string tables), to rebuild it on another thread. */
export interface ScoredStoreData {
  n: number;
  nInterests: number;
  score: Float64Array;
  fit: Float64Array;
  engagement: Float64Array;
  band: Int32Array;
  segment: Int32Array;
  grade: Uint32Array;
  flags: Uint32Array;
  reasonSlot: Uint32Array;
  reasonPoints: Float64Array;
  interests: Float64Array;
  grades: string[];
  flagSets: string[];
}

type Alloc = <T extends Float64Array | Int32Array | Uint32Array>(kind: new (b: ArrayBufferLike) => T, bytesPer: number, length: number) => T;
/** Arrays in shared memory (SharedArrayBuffer) when asked: worker threads then read them without a copy. */
const alloc =
  (shared: boolean): Alloc =>
  (kind, bytesPer, length) =>
    new kind(shared ? new SharedArrayBuffer(length * bytesPer) : new ArrayBuffer(length * bytesPer));

export class ScoredStore {
  readonly score: Float64Array;
  readonly fit: Float64Array;
  readonly engagement: Float64Array;
  readonly band: Int32Array;
  readonly segment: Int32Array;
  private readonly grade: Uint32Array;
  private readonly flags: Uint32Array;
  private readonly reasonSlot: Uint32Array;
  private readonly reasonPoints: Float64Array;
  /** Predictive models (weight 1): the lead's value behind each reason, interned (0 = missing). */
  private reasonValue: Uint32Array | undefined;
  private readonly values: (string | null)[] = [null];
  private readonly valueIds = new Map<string, number>();
  private readonly interests: Float64Array;
  private readonly grades: string[] = [''];
  private readonly gradeIds = new Map<string, number>([['', 0]]);
  private readonly flagSets: string[] = [''];
  private readonly flagIds = new Map<string, number>([['', 0]]);

  constructor(
    private readonly n: number,
    private readonly nInterests: number,
    /** Allocate the arrays in shared memory (see data()). */
    shared = false,
    from?: ScoredStoreData,
  ) {
    const a = alloc(shared);
    this.score = from?.score ?? a(Float64Array, 8, n);
    this.fit = from?.fit ?? a(Float64Array, 8, n);
    this.engagement = from?.engagement ?? a(Float64Array, 8, n);
    this.band = from?.band ?? a(Int32Array, 4, n);
    this.segment = from?.segment ?? a(Int32Array, 4, n);
    this.grade = from?.grade ?? a(Uint32Array, 4, n);
    this.flags = from?.flags ?? a(Uint32Array, 4, n);
    this.reasonSlot = from?.reasonSlot ?? a(Uint32Array, 4, n * MAX_REASONS).fill(NONE);
    this.reasonPoints = from?.reasonPoints ?? a(Float64Array, 8, n * MAX_REASONS);
    this.interests = from?.interests ?? a(Float64Array, 8, n * nInterests);
    if (from) {
      from.grades.forEach((g, k) => (this.grades[k] = g, this.gradeIds.set(g, k)));
      from.flagSets.forEach((f, k) => (this.flagSets[k] = f, this.flagIds.set(f, k)));
    }
  }

  /** The store as data: posted to a worker thread, shared arrays are seen there without a copy. */
  data(): ScoredStoreData {
    const { n, nInterests, score, fit, engagement, band, segment, grade, flags, reasonSlot, reasonPoints, interests, grades, flagSets } = this;
    return { n, nInterests, score, fit, engagement, band, segment, grade, flags, reasonSlot, reasonPoints, interests, grades, flagSets };
  }

  /**
   * Leads [from, to) were set by another thread through a store over this one's data(): its grade
   * and flag texts (`d`) are numbered its own way; renumber them into this store's.
   */
  adopt(from: number, to: number, d: Pick<ScoredStoreData, 'grades' | 'flagSets'>): void {
    const g = d.grades.map((x) => this.intern(x, this.grades, this.gradeIds));
    const f = d.flagSets.map((x) => this.intern(x, this.flagSets, this.flagIds));
    for (let i = from; i < to; i++) {
      this.grade[i] = g[this.grade[i]!]!;
      this.flags[i] = f[this.flags[i]!]!;
    }
  }

  /** A store over data() of another (on a worker thread). */
  static of(d: ScoredStoreData): ScoredStore {
    return new ScoredStore(d.n, d.nInterests, false, d);
  }

  private intern(s: string, list: string[], ids: Map<string, number>): number {
    let id = ids.get(s);
    if (id === undefined) {
      id = list.push(s) - 1;
      ids.set(s, id);
    }
    return id;
  }

  /** Keep lead `i`; `top` = its reasons (topContributions of its contributions). */
  set(i: number, l: ScoredLead, top: readonly Contribution[]): void {
    this.score[i] = l.score;
    this.fit[i] = l.fit;
    this.engagement[i] = l.engagement;
    this.band[i] = l.band;
    this.segment[i] = l.segment;
    this.grade[i] = this.intern(l.grade, this.grades, this.gradeIds);
    this.flags[i] = l.flags.length ? this.intern(l.flags.join(';'), this.flagSets, this.flagIds) : 0;
    for (let k = 0; k < top.length; k++) {
      const c = top[k]!;
      this.reasonSlot[i * MAX_REASONS + k] = c.slot;
      if (c.logOdds === undefined) this.reasonPoints[i * MAX_REASONS + k] = c.points;
      else {
        this.reasonPoints[i * MAX_REASONS + k] = c.logOdds;
        this.reasonValue ??= new Uint32Array(this.reasonSlot.length);
        let id = 0;
        if (c.value !== null && c.value !== undefined) {
          id = this.valueIds.get(c.value) ?? 0;
          if (id === 0) {
            id = this.values.push(c.value) - 1;
            this.valueIds.set(c.value, id);
          }
        }
        this.reasonValue[i * MAX_REASONS + k] = id;
      }
    }
    for (let k = 0; k < this.nInterests; k++) this.interests[i * this.nInterests + k] = l.interests[k]!;
  }

  reasons(i: number, cm: CompiledModel): string {
    let out = '';
    for (let k = 0; k < MAX_REASONS; k++) {
      const slot = this.reasonSlot[i * MAX_REASONS + k]!;
      if (slot === NONE) break;
      if (k > 0) out += '; ';
      const rule = cm.rules[slot]!;
      const points = this.reasonPoints[i * MAX_REASONS + k]!;
      // a pure predictive model's feature: its value and log-odds term (formatReason in score-lead.ts)
      if (this.reasonValue && rule.section === 'predictive') out += formatReason(rule.id, points, this.values[this.reasonValue[i * MAX_REASONS + k]!], true);
      else out += rule.id + ' ' + formatPoints(points);
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
    out[5] = formatFixed2(this.engagement[i]!);
    out[6] = this.flagSets[this.flags[i]!]!;
    out[7] = this.reasons(i, cm);
    for (let k = 0; k < this.nInterests; k++) out[8 + k] = formatFixed2(this.interests[i * this.nInterests + k]!);
    const segs = cm.model.segments;
    if (segs?.length) {
      const g = this.segment[i]!;
      out[8 + this.nInterests] = g >= 0 ? segs[g]!.id : '';
    }
    return out;
  }
}
