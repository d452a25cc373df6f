// Scored leads kept for ranking in compact form: typed arrays, no object or string per lead, so that
// memory grows slowly with the number of leads and the garbage collector has little to trace. 32-bit
// indexes: a model may have more than 65,535 rules, bands or flag sets (issue 16), none may wrap.
import type { CompiledModel } from './compiled.js';
import { type Contribution, formatReason, type ScoredLead } from './score-lead.js';
import { formatFixed2, formatPoints } from '../value.js';

export const MAX_REASONS = 5;
const NONE = 0xffffffff;

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
    n: number,
    private readonly nInterests: number,
  ) {
    this.score = new Float64Array(n);
    this.fit = new Float64Array(n);
    this.engagement = new Float64Array(n);
    this.band = new Int32Array(n);
    this.segment = new Int32Array(n);
    this.grade = new Uint32Array(n);
    this.flags = new Uint32Array(n);
    this.reasonSlot = new Uint32Array(n * MAX_REASONS).fill(NONE);
    this.reasonPoints = new Float64Array(n * MAX_REASONS);
    this.interests = new Float64Array(n * nInterests);
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
