// Writer thread of the fast path: writes the rows of one range of ranks of scored.csv and of the band
// files to part files (see ranked-write.ts), reading each lead's record from the leads file by its
// offset. The scores are read from shared memory (ScoredStore on SharedArrayBuffers), not copied.
import { workerData, parentPort } from 'node:worker_threads';
import { openSync, readSync, writeSync, closeSync } from 'node:fs';
import { ScoredStore } from '../../core/score/scored-store.js';
import { compileModel } from '../../core/score/compiled.js';
import { splitRecord } from '../csv-reader.js';
import { csvLine } from '../csv-writer.js';
import { rawPassThrough, scoreCells } from '../scored-writer.js';
import { asciiOrUtf8 } from './records.js';
import type { WriteTask } from './ranked-write.js';

const task = workerData as WriteTask;

/** A part file written in 256 KB blocks. */
class Part {
  private readonly fd: number;
  private buf = Buffer.allocUnsafe(1 << 18);
  private used = 0;
  constructor(path: string) {
    this.fd = openSync(path, 'wx');
  }
  bytes(b: Uint8Array): void {
    if (b.length > this.buf.length - this.used) this.flush(b.length);
    this.buf.set(b, this.used);
    this.used += b.length;
  }
  text(s: string): void {
    if (s.length * 3 > this.buf.length - this.used) this.flush(s.length * 3);
    this.used += this.buf.write(s, this.used, 'utf8');
  }
  private flush(need: number): void {
    let off = 0;
    while (off < this.used) off += writeSync(this.fd, this.buf, off, this.used - off);
    this.used = 0;
    if (need > this.buf.length) this.buf = Buffer.allocUnsafe(need);
  }
  close(): void {
    this.flush(0);
    closeSync(this.fd);
  }
}

/**
 * Ranks handled per block: their records are read in file order, then written in rank order. The
 * block's records are held together (about 4 MB for 125-byte records): the writers' memory, not the
 * leads', sets this size.
 */
const BLOCK = 1 << 15;
/** Records closer than this in the file are read with one read (the bytes between them come along). */
const GAP = 16384;
const CHUNK = 1 << 20;

/**
 * The records of ranks [b, b + m), read from the file in offset order (records close to each other in
 * one read: one read per record in rank order cost more than the rest of the writing), copied into
 * `out` back to back; pos[k] is where rank b + k's record starts in `out`.
 */
class BlockReader {
  out = Buffer.allocUnsafe(1 << 20);
  readonly pos = new Float64Array(BLOCK);
  private readonly keys = new Float64Array(BLOCK);
  private chunk = Buffer.allocUnsafe(CHUNK);
  constructor(private readonly fd: number) {}

  read(order: Uint32Array, b: number, m: number): void {
    const { offsets, lengths } = task;
    let total = 0;
    let maxOff = 0;
    for (let k = 0; k < m; k++) {
      const i = order[b + k]!;
      total += lengths[i]!;
      if (offsets[i]! > maxOff) maxOff = offsets[i]!;
    }
    if (total > this.out.length) this.out = Buffer.allocUnsafe(total);
    // sort the ranks by offset: offset * BLOCK + k is exact below 2^53 (files up to 64 TB / BLOCK)
    const keys = this.keys.subarray(0, m);
    const exact = maxOff * BLOCK + BLOCK < Number.MAX_SAFE_INTEGER;
    for (let k = 0; k < m; k++) keys[k] = exact ? offsets[order[b + k]!]! * BLOCK + k : k;
    if (exact) keys.sort();
    else keys.sort((x, y) => offsets[order[b + x]!]! - offsets[order[b + y]!]! || x - y);
    const kOf = (j: number) => (exact ? keys[j]! % BLOCK : keys[j]!);
    let w = 0;
    for (let j = 0; j < m; ) {
      const i0 = order[b + kOf(j)]!;
      const start = offsets[i0]!;
      let end = start + lengths[i0]!;
      let j2 = j + 1;
      for (; j2 < m; j2++) {
        const i = order[b + kOf(j2)]!;
        const e = offsets[i]! + lengths[i]!;
        if (offsets[i]! - end > GAP || e - start > CHUNK) break;
        if (e > end) end = e;
      }
      if (end - start > this.chunk.length) this.chunk = Buffer.allocUnsafe(end - start);
      let got = 0;
      while (got < end - start) {
        const n = readSync(this.fd, this.chunk, got, end - start - got, start + got);
        if (n === 0) throw new Error(`${task.leadsPath} changed while it was read`);
        got += n;
      }
      for (; j < j2; j++) {
        const k = kOf(j);
        const i = order[b + k]!;
        const from = offsets[i]! - start;
        this.chunk.copy(this.out, w, from, from + lengths[i]!);
        this.pos[k] = w;
        w += lengths[i]!;
      }
    }
  }
}

function run(): void {
  const store = ScoredStore.of(task.store);
  const cm = compileModel(task.model, { leadHeader: task.header, asOfMs: task.asOfMs, env: { isDisposableDomain: () => false } });
  const pass = rawPassThrough({ delimiter: task.delimiter, header: task.header }, task.guard, task.keys);
  const fd = openSync(task.leadsPath, 'r');
  const scored = new Part(task.scoredPart);
  const bands = task.bandParts.map((p) => new Part(p));
  const extra = new Array<string>(task.numeric.length);
  const reader = new BlockReader(fd);
  const comma = Buffer.from(',');
  try {
    for (let b = task.from; b < task.to; b += BLOCK) {
      const m = Math.min(BLOCK, task.to - b);
      reader.read(task.order, b, m);
      for (let k = 0; k < m; k++) {
        const r = b + k;
        const i = task.order[r]!;
        const len = task.lengths[i]!;
        const rec = reader.out.subarray(reader.pos[k]!, reader.pos[k]! + len);
        store.cells(i, r + 1, cm, extra);
        const tail = scoreCells(extra, task.numeric, task.guard);
        const band = store.band[i]!;
        if (pass(rec)) {
          scored.bytes(rec);
          scored.bytes(comma);
          scored.text(tail);
          if (band >= 0) {
            bands[band]!.bytes(rec);
            bands[band]!.bytes(comma);
            bands[band]!.text(tail);
          }
        } else {
          const line = csvLine(splitRecord(asciiOrUtf8(rec, 0, len), task.delimiter, task.trailingDelimiter ? task.header.length : undefined), task.guard, task.keys).slice(0, -1) + ',' + tail;
          scored.text(line);
          if (band >= 0) bands[band]!.text(line);
        }
      }
    }
    scored.close();
    for (const p of bands) p.close();
  } finally {
    closeSync(fd);
  }
  parentPort!.postMessage({ type: 'done' });
}

try {
  run();
} catch (e) {
  // the errno code (ENOSPC writing a part file) makes the run's failure LS108, exit 3
  const code = (e as NodeJS.ErrnoException).code;
  parentPort!.postMessage({ type: 'error', message: (e as Error).message, ...(code ? { code } : {}) });
}
