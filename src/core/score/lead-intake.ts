// The leads of a run as they are read (PRODUCT.md §2): a row without an id is rejected (missing_id), a
// row whose id was seen before is rejected (duplicate_id: the first row of an id wins); every kept lead
// gets the next index, and its line and file are remembered for the messages. Pure; the records
// themselves are kept by the caller (io/record-store.ts).
import { detach } from '../value.js';

/** Why a lead row is not kept, as rejects.csv gives it. */
export interface LeadRowReject {
  reason: 'missing_id' | 'duplicate_id';
  detail: string;
}

export class LeadIntake {
  /** The kept leads' ids, in input order: a lead's index is its position here. */
  readonly ids: string[] = [];
  readonly byId = new Map<string, number>();
  private lines = new Float64Array(1024);
  /** Which lead file each lead came from (kept only with several files). */
  private fileOf: Uint16Array;

  /** `files`: the lead files' paths, in the order they are read (none: leads from the activities). */
  constructor(
    private readonly files: readonly string[],
    private readonly idName: string,
  ) {
    this.fileOf = new Uint16Array(files.length > 1 ? 1024 : 0);
  }

  get size(): number {
    return this.ids.length;
  }

  /** Why the row with this (trimmed) id is rejected, or undefined: keep it. */
  check(id: string): LeadRowReject | undefined {
    if (!id) return { reason: 'missing_id', detail: `empty lead id in column "${this.idName}"` };
    const first = this.byId.get(id);
    if (first !== undefined) return { reason: 'duplicate_id', detail: `lead id "${id}" first seen on ${this.firstSeen(first)}` };
    return undefined;
  }

  /** Keeps a lead; returns its index. */
  keep(id: string, line: number, file: number): number {
    const k = this.ids.length;
    const kept = detach(id);
    this.byId.set(kept, k);
    this.ids.push(kept);
    if (k >= this.lines.length) {
      const l = new Float64Array(this.lines.length * 2);
      l.set(this.lines);
      this.lines = l;
    }
    this.lines[k] = line;
    if (this.fileOf.length) {
      if (k >= this.fileOf.length) {
        const f = new Uint16Array(this.fileOf.length * 2);
        f.set(this.fileOf);
        this.fileOf = f;
      }
      this.fileOf[k] = file;
    }
    return k;
  }

  lineOf(k: number): number {
    return this.lines[k]!;
  }

  /** The lead file (its index in `files`) lead k came from. */
  fileIndexOf(k: number): number {
    return this.fileOf.length ? this.fileOf[k]! : 0;
  }

  /** Where lead k was first seen: `line N`, or `path:N` with several lead files. */
  firstSeen(k: number): string {
    return `${this.files.length > 1 ? `${this.files[this.fileOf[k]!]!}:` : 'line '}${this.lines[k]}`;
  }
}
