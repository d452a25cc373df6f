// One byte range of a plain UTF-8 activity file folded from its bytes (ByteActivityFolder): on a worker
// thread for large files (activity-bytes-worker.ts), on the main thread for small ones. Range k > 0
// starts after the first '\n' at or after its nominal start; the range before it reads up to that
// byte, and a record straddling it (the split fell inside a quoted field) sends the run back to the
// reference path. Line numbers are counted from the start of the file, so rejects carry their real lines.
import { createWriteStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { ByteRecords, INCOMPLETE, UNUSUAL } from './records.js';
import { Chunks, GzipChunks } from './chunks.js';
import { dataStart } from './fast-leads.js';
import { ByteActivityFolder } from './activity-bytes.js';
import type { ActivityReject, FoldCounts } from '../../core/score/activity-fold.js';
import { csvLine } from '../csv-writer.js';
import { compileModel } from '../../core/score/compiled.js';
import type { FoldState } from '../../core/score/engagement.js';
import { IdIndex, type IdKeys } from './id-index.js';
import type { ByteRangeTask } from './fast-activities.js';

const CHUNK = 4 << 20;

export interface RangeResult {
  keys: IdKeys;
  state: FoldState;
  counts: FoldCounts;
  unparsable: [string, number][];
  blankLines: number;
  bytes: number;
}

/**
 * Drop the room the state's arrays grew for but did not use (they are handed to the main thread, which
 * holds both ranges' folds and its own at once). Array by array, so that each old one can go at once.
 */
function trimmed(st: FoldState): FoldState {
  const n = st.size;
  const cap = st.activityCount.length;
  if (cap <= n + (n >> 3)) return st;
  const cut = <T extends Float64Array | Uint32Array | Uint16Array>(a: T, per = 1): T => a.slice(0, n * per) as T;
  st.recent = st.recent.map((t) => (t ? cut(t, t.length / cap) : null));
  st.totals = st.totals.map((t) => (t ? cut(t) : null));
  if (st.counters) st.counters = cut(st.counters, st.counters.length / cap);
  st.lastActivity = cut(st.lastActivity);
  st.engagement7d = cut(st.engagement7d);
  st.engagement30d = cut(st.engagement30d);
  st.filled = st.filled.map((t) => (t ? cut(t) : null));
  st.future = cut(st.future);
  st.outsideWindow = cut(st.outsideWindow);
  st.activityCount = cut(st.activityCount);
  return st;
}

/** An error that means: not for the fast path (the run starts again on the reference path). */
export const fallback = (message: string) => Object.assign(new Error(message), { fallback: true });

/** The first record start at or after `nominal` (after a '\n'), and the physical line it is on. */
async function boundary(fh: FileHandle, nominal: number, size: number): Promise<{ at: number; line: number }> {
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
async function nextLineStart(fh: FileHandle, nominal: number, size: number): Promise<number> {
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

export async function foldRange(task: ByteRangeTask, onProgress?: (bytes: number, rows: number) => void): Promise<RangeResult> {
  const fh = await open(task.source, 'r');
  const spill = task.spillPath ? createWriteStream(task.spillPath, { flags: 'wx' }) : undefined;
  let gunzip: GzipChunks | undefined;
  try {
    const size = task.size;
    let start = task.dataStart;
    let line = 2;
    // (a share of the leads reads the whole file: see ByteFolderOptions.share)
    if (task.index > 0 && !task.share) ({ at: start, line } = await boundary(fh, task.nominalStart, size));
    // (a gzip file is one range, read to the end of its decompressed stream)
    const stop = task.gzip ? Infinity : task.last ? size : await nextLineStart(fh, task.nominalEnd, size);
    const cm = compileModel(task.model, { leadHeader: [], asOfMs: task.asOfMs, env: { isDisposableDomain: () => false } });
    let pending = '';
    const folder = new ByteActivityFolder({
      cm,
      header: task.header,
      onReject: (r: ActivityReject) => {
        if (spill) pending += csvLine([task.path, String(r.line), r.reason, r.detail, r.raw], task.formulaGuard);
      },
      ...(task.leads ? { leads: IdIndex.fromShared(task.leads) } : {}),
      ...(task.into ? { into: task.into } : {}),
      ...(task.share ? { share: task.share } : {}),
    });
    // the bytes and blank lines of a file shared by leads are the first share's to count
    const accounts = folder.accounts;
    const r = new ByteRecords(task.delimiter);
    const c = task.gzip ? new GzipChunks(task.source) : new Chunks(fh, start, size, Math.min(CHUNK, stop - start + 1));
    // a gzip stream that fails is the reference reader's to report
    const more = task.gzip ? () => c.more().catch((e: Error) => Promise.reject(fallback(`gzip: ${e.message}`))) : () => c.more();
    gunzip = c instanceof GzipChunks ? c : undefined;
    if (gunzip) {
      let final = false;
      while (!final && gunzip.len < 1 << 16) final = await more();
      gunzip.pos = start = dataStart(gunzip.buf, gunzip.len, task.delimiter, task.header.length, task.trailingDelimiter);
    }
    let blank = 0;
    let lastReport = Date.now();
    let end = start;
    outer: for (;;) {
      const final = await more();
      const { buf, len, base } = c;
      let pos = c.pos;
      while (pos < len) {
        if (base + pos >= stop) break outer;
        const next = r.next(buf, pos, len, final);
        if (next === INCOMPLETE) break;
        if (next === UNUSUAL) throw fallback(`record at byte ${base + pos}`);
        const at = line;
        line += r.lines;
        if (r.blank) blank++;
        else {
          if (r.unusualShape(buf, task.header.length, task.trailingDelimiter)) throw fallback(`line ${at}: record shape`);
          folder.add(r, buf, at);
        }
        pos = next;
        end = base + pos;
      }
      c.pos = pos;
      if (pending.length > 1 << 20 && spill) {
        const data = pending;
        pending = '';
        if (!spill.write(data)) await new Promise<void>((res) => spill.once('drain', () => res()));
      }
      const now = Date.now();
      if (now - lastReport > 250) {
        lastReport = now;
        if (accounts) onProgress?.(gunzip ? gunzip.compressed : base + pos - start, folder.counts.rows);
      }
      if (final) {
        if (pos < len) throw fallback('end of file');
        break;
      }
    }
    // a record that runs past the next range's start: the split was not at a record boundary
    if (!task.last && end !== stop) throw fallback(`range ${task.index} ends at ${end}, next starts at ${stop}`);
    folder.finish(); // (what the bot filter still holds)
    if (spill) {
      await new Promise<void>((res, rej) => {
        spill.once('error', rej);
        spill.end(pending, () => res());
      });
    }
    return { keys: folder.ids.keys(), state: task.into ? folder.fold.state : trimmed(folder.fold.state), counts: folder.counts, unparsable: [...cm.unparsable], blankLines: accounts ? blank : 0, bytes: !accounts ? 0 : gunzip ? gunzip.compressed : end - start };
  } finally {
    await fh.close();
    gunzip?.close();
    if (spill && !spill.closed) spill.destroy();
  }
}

