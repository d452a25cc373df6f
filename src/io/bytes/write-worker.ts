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

/** A part file written in 1 MB blocks. */
class Part {
  private readonly fd: number;
  private buf = Buffer.allocUnsafe(1 << 20);
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

function run(): void {
  const store = ScoredStore.of(task.store);
  const cm = compileModel(task.model, { leadHeader: task.header, asOfMs: task.asOfMs, env: { isDisposableDomain: () => false } });
  const pass = rawPassThrough({ delimiter: task.delimiter, header: task.header }, task.guard, task.keys);
  const fd = openSync(task.leadsPath, 'r');
  const scored = new Part(task.scoredPart);
  const bands = task.bandParts.map((p) => new Part(p));
  const extra = new Array<string>(task.numeric.length);
  let raw = Buffer.allocUnsafe(1 << 16);
  const comma = Buffer.from(',');
  try {
    for (let r = task.from; r < task.to; r++) {
      const i = task.order[r]!;
      const off = task.offsets[i]!;
      const len = task.lengths[i]!;
      if (len > raw.length) raw = Buffer.allocUnsafe(len);
      let got = 0;
      while (got < len) {
        const n = readSync(fd, raw, got, len - got, off + got);
        if (n === 0) throw new Error(`${task.leadsPath} changed while it was read`);
        got += n;
      }
      const rec = raw.subarray(0, len);
      store.cells(i, r + 1, cm, extra);
      const tail = scoreCells(extra, task.numeric, task.guard);
      const b = store.band[i]!;
      if (pass(rec)) {
        scored.bytes(rec);
        scored.bytes(comma);
        scored.text(tail);
        if (b >= 0) {
          bands[b]!.bytes(rec);
          bands[b]!.bytes(comma);
          bands[b]!.text(tail);
        }
      } else {
        const line = csvLine(splitRecord(asciiOrUtf8(rec, 0, len), task.delimiter, task.trailingDelimiter ? task.header.length : undefined), task.guard, task.keys).slice(0, -1) + ',' + tail;
        scored.text(line);
        if (b >= 0) bands[b]!.text(line);
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
  parentPort!.postMessage({ type: 'error', message: (e as Error).message });
}
