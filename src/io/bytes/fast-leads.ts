// The leads file on the fast path of `score` (issue 18): read twice instead of kept in memory.
// The first pass finds each record's lead id in the bytes and keeps only the id index and, per lead,
// where its record is (byte offset, length, line). The records are read again from the file (the OS
// cache makes that nearly free) when they are scored, and once more when they are written.
import { openSync, readSync, closeSync, fstatSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { ByteRecords, INCOMPLETE, UNUSUAL, asciiOrUtf8, cellText } from './records.js';
import { IdIndex, KeyBytes } from './id-index.js';
import { Chunks } from './chunks.js';

/** Thrown when the fast path meets input only the reference path handles; the run starts again on it. */
export class FallBack extends Error {
  constructor(readonly why: string) {
    super(`fast path not taken: ${why}`);
    this.name = 'FallBack';
  }
}

const CHUNK = 4 << 20;

export interface LeadReject {
  line: number;
  reason: 'missing_id' | 'duplicate_id';
  detail: string;
  raw: string;
}

/** Where the data records of a plain file start: after the header (and a BOM). */
export function dataStart(buf: Uint8Array, len: number, delimiter: number, width: number, trailing: boolean): number {
  let pos = len >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  const r = new ByteRecords(delimiter);
  const next = r.next(buf, pos, len, false);
  if (next < 0 || r.blank || r.lines !== 1) throw new FallBack('header');
  if (r.count !== width && !(trailing && r.count === width + 1)) throw new FallBack('header width');
  pos = next;
  return pos;
}

/** Calls `each(r, buf, base)` for every record of a plain file read in chunks from byte `from` (base: file offset of buf[0]). */
export async function scanFile(
  path: string,
  from: number,
  delimiter: number,
  each: (r: ByteRecords, buf: Uint8Array, base: number) => void,
): Promise<void> {
  const fh = await open(path, 'r');
  try {
    const c = new Chunks(fh, from, (await fh.stat()).size, CHUNK);
    const r = new ByteRecords(delimiter);
    for (;;) {
      const final = await c.more();
      const { buf, len, base } = c;
      let pos = c.pos;
      while (pos < len) {
        const next = r.next(buf, pos, len, final);
        if (next === INCOMPLETE) break;
        if (next === UNUSUAL) throw new FallBack(`record at byte ${base + pos}`);
        each(r, buf, base);
        pos = next;
      }
      c.pos = pos;
      if (final) {
        if (pos < len) throw new FallBack('end of file');
        return;
      }
    }
  } finally {
    await fh.close();
  }
}

export interface LeadTableOptions {
  path: string;
  delimiter: string;
  header: readonly string[];
  trailingDelimiter: boolean;
  idIndex: number;
  idName: string;
}

/** A typed array in shared memory (the scoring and writing threads read it in place), with `a`'s first n elements. */
function sharedArray<T extends Float64Array | Int32Array>(C: { new (b: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number }, length: number, a?: T): T {
  const out = new C(new SharedArrayBuffer(length * C.BYTES_PER_ELEMENT));
  if (a) out.set(a as never);
  return out;
}

/** Pass one: the id index, and where each kept lead's record is. Rejects (missing / duplicate id) are collected. */
export class FastLeads {
  readonly index = new IdIndex();
  /** Per lead slot, in shared memory: its record's byte offset and length, and its line. */
  offsets = sharedArray(Float64Array, 1 << 12);
  lengths = sharedArray(Int32Array, 1 << 12);
  lines = sharedArray(Float64Array, 1 << 12);
  rows = 0;
  blank = 0;
  readonly rejects: LeadReject[] = [];

  constructor(readonly o: LeadTableOptions) {}

  get size(): number {
    return this.index.size;
  }

  private done = false;

  /** Pass one (once: later calls find it done). */
  async read(): Promise<void> {
    if (this.done) return;
    this.done = true;
    const o = this.o;
    const delim = o.delimiter.charCodeAt(0);
    const width = o.header.length;
    const head = Buffer.allocUnsafe(1 << 16);
    const fd = openSync(o.path, 'r');
    let got: number;
    try {
      got = readSync(fd, head, 0, head.length, 0);
    } finally {
      closeSync(fd);
    }
    const start = dataStart(head, got, delim, width, o.trailingDelimiter);
    this.reserve(head, start, got);
    const key = new KeyBytes();
    const index = this.index;
    let line = 2;
    await scanFile(o.path, start, delim, (r, buf, base) => {
      const at = line;
      line += r.lines;
      if (r.blank) {
        this.blank++;
        return;
      }
      if (r.unusualShape(buf, width, o.trailingDelimiter)) throw new FallBack(`line ${at}: record shape`);
      this.rows++;
      key.of(r, buf, o.idIndex, () => cellText(r, buf, o.idIndex));
      if (key.e === key.s) {
        this.rejects.push({ line: at, reason: 'missing_id', detail: `empty lead id in column "${o.idName}"`, raw: asciiOrUtf8(buf, r.recordStart, r.recordEnd) });
        return;
      }
      const slot = index.add(key.buf, key.s, key.e);
      if (slot < 0) {
        const first = this.lines[~slot]!;
        const id = key.text ?? asciiOrUtf8(key.buf, key.s, key.e);
        this.rejects.push({ line: at, reason: 'duplicate_id', detail: `lead id "${id}" first seen on line ${first}`, raw: asciiOrUtf8(buf, r.recordStart, r.recordEnd) });
        return;
      }
      if (slot === this.offsets.length) this.grow();
      this.offsets[slot] = base + r.recordStart;
      this.lengths[slot] = r.recordEnd - r.recordStart;
      this.lines[slot] = at;
    });
  }

  /** Size the arrays for the number of records the first block suggests (they still grow if it is more). */
  private reserve(head: Buffer, start: number, got: number): void {
    let lines = 0;
    for (let k = start; k < got; k++) if (head[k] === 10) lines++;
    if (lines < 16) return;
    const size = statSync(this.o.path).size;
    const n = Math.ceil((((size - start) / (got - start)) * lines) * 1.05);
    if (n <= this.offsets.length) return;
    this.offsets = sharedArray(Float64Array, n);
    this.lengths = sharedArray(Int32Array, n);
    this.lines = sharedArray(Float64Array, n);
    this.index.reserve(n, n * 8);
  }

  private grow(): void {
    const k = this.offsets.length * 2;
    this.offsets = sharedArray(Float64Array, k, this.offsets);
    this.lengths = sharedArray(Int32Array, k, this.lengths);
    this.lines = sharedArray(Float64Array, k, this.lines);
  }

  /**
   * Once the leads are ranked and written by the writer threads, which read only the offsets and
   * lengths: drop the id index and the lines (at 1M leads about 40 MB off the peak, reached while
   * writing).
   */
  releaseForWrite(): void {
    this.index.clear();
    this.lines = new Float64Array(0);
  }

  /** For ids met as strings (folds of the reference reader): their lead slots (-1: not a lead). */
  slotsOf(ids: readonly string[]): Int32Array {
    const out = new Int32Array(ids.length);
    const enc = new TextEncoder();
    for (let j = 0; j < ids.length; j++) {
      const b = enc.encode(ids[j]!);
      out[j] = this.index.find(b, 0, b.length);
    }
    return out;
  }

  /** Each lead id as a number when it is made only of digits (1 to 15), else NaN: leadIdNumbers without the strings. */
  idNumbers(): Float64Array {
    return this.index.digitValues();
  }

  /** Lead i's id. */
  id(i: number): string {
    return this.index.text(i);
  }

  /** Pass two: each kept record in slot order, read sequentially in large chunks. */
  *records(): Generator<{ i: number; bytes: Buffer }> {
    const fd = openSync(this.o.path, 'r');
    try {
      const w = new RecordWindow(fd, this.o.path);
      for (let i = 0; i < this.size; i++) yield { i, bytes: w.at(this.offsets[i]!, this.lengths[i]!) };
    } finally {
      closeSync(fd);
    }
  }
}

/**
 * Records read by offset, in file order, through a window of the file: a record outside the window
 * moves it (one read of CHUNK bytes at the record).
 */
export class RecordWindow {
  private buf: Buffer;
  private base = 0;
  private len = 0;
  constructor(
    private readonly fd: number,
    private readonly path: string,
  ) {
    this.buf = Buffer.allocUnsafe(Math.max(1024, Math.min(CHUNK, fstatSync(fd).size + 1)));
  }

  /** The n bytes at file offset `off` (a view, valid until the next call). */
  at(off: number, n: number): Buffer {
    if (off < this.base || off + n > this.base + this.len) {
      if (n > this.buf.length) this.buf = Buffer.allocUnsafe(n);
      this.base = off;
      this.len = readSync(this.fd, this.buf, 0, this.buf.length, off);
      if (this.len < n) throw new Error(`${this.path} changed while it was read`);
    }
    return this.buf.subarray(off - this.base, off - this.base + n);
  }
}

/** The whole leads file in memory, for writing records in rank order (after scoring, when the fold is gone). */
export class RecordBytes {
  private readonly file: Buffer;
  constructor(
    private readonly leads: FastLeads,
    path: string,
  ) {
    const fd = openSync(path, 'r');
    try {
      const size = fstatSync(fd).size;
      this.file = Buffer.allocUnsafe(size);
      let pos = 0;
      while (pos < size) {
        const got = readSync(fd, this.file, pos, size - pos, pos);
        if (got === 0) break;
        pos += got;
      }
    } finally {
      closeSync(fd);
    }
  }

  bytes(i: number): Buffer {
    const off = this.leads.offsets[i]!;
    return this.file.subarray(off, off + this.leads.lengths[i]!);
  }
}
