// Worker thread of the fast path: folds the records of one byte range of a plain UTF-8 activity file
// (see fast-activities.ts). Range k > 0 starts after the first '\n' at or after its nominal start; the
// range before it reads up to that byte and reports whether a record straddles it (then the split was
// inside a quoted field and the run goes back to the reference path). Line numbers are counted from the
// start of the file, so rejects carry their real lines.
import { parentPort, workerData } from 'node:worker_threads';
import { createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { ByteRecords, INCOMPLETE, UNUSUAL } from './records.js';
import { ByteActivityFolder } from './activity-bytes.js';
import type { ActivityReject } from '../activity-fold.js';
import { csvLine } from '../csv-writer.js';
import { compileModel } from '../../core/score/compiled.js';
import type { ByteRangeTask, ByteWorkerMessage } from './fast-activities.js';

const port = parentPort!;
const task = workerData as ByteRangeTask;
const CHUNK = 4 << 20;

function post(m: ByteWorkerMessage, transfer: ArrayBuffer[] = []): void {
  port.postMessage(m, transfer);
}

/** The first record start at or after `nominal` (after a '\n'), and the physical line it is on. */
async function boundary(fh: import('node:fs/promises').FileHandle, nominal: number, size: number): Promise<{ at: number; line: number }> {
  const buf = Buffer.allocUnsafe(1 << 20);
  let pos = 0;
  let lines = 1;
  while (pos < size) {
    const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
    if (bytesRead === 0) break;
    let from = 0;
    for (;;) {
      const nl = buf.indexOf(10, from);
      if (nl < 0 || nl >= bytesRead) break;
      lines++;
      if (pos + nl >= nominal) return { at: pos + nl + 1, line: lines };
      from = nl + 1;
    }
    pos += bytesRead;
  }
  return { at: size, line: lines };
}

/** The byte after the first '\n' at or after `nominal`. */
async function nextLineStart(fh: import('node:fs/promises').FileHandle, nominal: number, size: number): Promise<number> {
  const buf = Buffer.allocUnsafe(1 << 16);
  let pos = nominal;
  while (pos < size) {
    const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
    if (bytesRead === 0) break;
    const nl = buf.indexOf(10);
    if (nl >= 0 && nl < bytesRead) return pos + nl + 1;
    pos += bytesRead;
  }
  return size;
}

async function run(): Promise<void> {
  const fh = await open(task.path, 'r');
  const spill = task.spillPath ? createWriteStream(task.spillPath, { flags: 'wx' }) : undefined;
  try {
    const size = task.size;
    let start = task.dataStart;
    let line = 2;
    if (task.index > 0) ({ at: start, line } = await boundary(fh, task.nominalStart, size));
    const stop = task.last ? size : await nextLineStart(fh, task.nominalEnd, size);
    const cm = compileModel(task.model, { leadHeader: [], asOfMs: task.asOfMs, env: { isDisposableDomain: () => false } });
    let pending = '';
    const folder = new ByteActivityFolder({
      cm,
      header: task.header,
      onReject: (r: ActivityReject) => {
        if (spill) pending += csvLine([task.path, String(r.line), r.reason, r.detail, r.raw], task.formulaGuard);
      },
    });
    const r = new ByteRecords(task.delimiter);
    let buf = Buffer.allocUnsafe(CHUNK);
    let len = 0;
    let base = start;
    let pos = 0;
    let filePos = start;
    let blank = 0;
    let lastReport = Date.now();
    let end = start;
    outer: for (;;) {
      if (pos > 0) {
        buf.copy(buf, 0, pos, len);
        base += pos;
        len -= pos;
        pos = 0;
      }
      if (len === buf.length) {
        const b = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(b, 0, 0, len);
        buf = b;
      }
      const want = Math.min(buf.length - len, Math.max(0, size - filePos));
      const { bytesRead } = want > 0 ? await fh.read(buf, len, want, filePos) : { bytesRead: 0 };
      filePos += bytesRead;
      len += bytesRead;
      const final = filePos >= size || bytesRead === 0;
      while (pos < len) {
        if (base + pos >= stop) break outer;
        const next = r.next(buf, pos, len, final);
        if (next === INCOMPLETE) break;
        if (next === UNUSUAL) throw Object.assign(new Error(`record at byte ${base + pos}`), { fallback: true });
        const at = line;
        line += r.lines;
        if (r.blank) blank++;
        else {
          if (r.unusualShape(buf, task.header.length, task.trailingDelimiter)) throw Object.assign(new Error(`line ${at}: record shape`), { fallback: true });
          folder.add(r, buf, at);
        }
        pos = next;
        end = base + pos;
      }
      if (pending.length > 1 << 20 && spill) {
        const data = pending;
        pending = '';
        if (!spill.write(data)) await new Promise<void>((res) => spill.once('drain', () => res()));
      }
      const now = Date.now();
      if (now - lastReport > 250) {
        lastReport = now;
        post({ type: 'progress', bytes: base + pos - start, rows: folder.counts.rows });
      }
      if (final) {
        if (pos < len) throw Object.assign(new Error('end of file'), { fallback: true });
        break;
      }
    }
    // a record that runs past the next range's start: the split was not at a record boundary
    if (!task.last && end !== stop) throw Object.assign(new Error(`range ${task.index} ends at ${end}, next starts at ${stop}`), { fallback: true });
    if (spill) {
      await new Promise<void>((res, rej) => {
        spill.once('error', rej);
        spill.end(pending, () => res());
      });
    }
    const st = folder.fold.state;
    const keys = folder.ids.keys();
    const transfer = [
      st.activityCount, st.future, st.outsideWindow, st.lastActivity, st.engagement7d, st.engagement30d,
      ...st.totals, ...st.recent, ...st.filled, st.counters, keys.bytes, keys.offsets,
    ].filter((a): a is NonNullable<typeof a> => a !== null).map((a) => a.buffer as ArrayBuffer);
    post(
      { type: 'done', keys, state: st, counts: folder.counts, unparsable: [...cm.unparsable], blankLines: blank, bytes: end - start },
      [...new Set(transfer)],
    );
  } finally {
    await fh.close();
    if (spill && !spill.closed) spill.destroy();
  }
}

run().catch((e: Error & { code?: string; fallback?: boolean }) => {
  post({ type: 'error', message: e.message, ...(e.code ? { code: e.code } : {}), ...(e.fallback ? { fallback: true } : {}) });
});
