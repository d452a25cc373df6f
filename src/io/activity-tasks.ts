// Activity files are the bulk of a scoring job (PRODUCT.md §5: ten activities per lead), so a large
// plain file is read as two byte ranges by two worker threads, while the main thread reads the leads.
// Each range is folded per lead id (ActivityFolder); the folds are merged into the leads' fold in range
// order. Sums are exact (integer nano-points), so the scores are the same as a one-thread read.
// Small, gzip, stdin and UTF-16 inputs are folded on the main thread with the same code.
import { Worker } from 'node:worker_threads';
import { open, stat } from 'node:fs/promises';
import type { CsvFile, KnownHeader } from './csv-reader.js';
import { ActivityFolder, type ActivityReject, type FoldCounts } from '../core/score/activity-fold.js';
import type { Model } from '../core/model/types.js';
import type { CompiledModel } from '../core/score/compiled.js';
import type { FoldState } from '../core/score/engagement.js';

/** One byte range of one activity file for a worker to fold (on either path), and the model it folds with. */
export interface RangePlan {
  /** The file as shown (rejects.csv, messages). */
  path: string;
  /** The file read: `path`, or its copy (io/input-copies.ts). */
  source: string;
  index: number;
  last: boolean;
  /** Byte offsets the range is planned around; the real boundaries are the next record starts. */
  nominalStart: number;
  nominalEnd: number;
  size: number;
  model: Model;
  asOfMs: number;
  spillPath?: string;
  formulaGuard: boolean;
}

/** What a worker of the reader folds. */
export interface RangeTask extends RangePlan {
  header: KnownHeader;
  /** The file's encoding (a BOM's, --encoding's; UTF-8 for a copy, whatever --encoding says). */
  encoding: string;
}

export type WorkerMessage =
  | { type: 'start'; start: number }
  | { type: 'progress'; bytes: number; rows: number }
  | (RangeDone & {
      type: 'done';
      ids: string[];
      /** The boundary the next range started at was not a record start of this parse: this range read on to the end. */
      tookOver: boolean;
    })
  | { type: 'error'; message: string; code?: string };

/** One folded part of the activities, in file and range order. */
export interface FoldedPart {
  file: CsvFile;
  ids: string[];
  state: FoldState;
  counts: FoldCounts;
  unparsable: [string, number][];
  blankLines: number;
  /** Rejected rows of this part, already formatted as rejects.csv lines, when spilled to a file. */
  spillPath?: string;
}

/** What a range's worker hands back with its fold (both readers' 'done' message). */
export interface RangeDone {
  state: FoldState;
  counts: FoldCounts;
  unparsable: [string, number][];
  blankLines: number;
  bytes: number;
}

/** The folded part of a range's 'done' message (its lead ids aside). */
export function foldedPart(file: CsvFile, m: RangeDone, spillPath: string | undefined): Omit<FoldedPart, 'ids'> {
  return { file, state: m.state, counts: m.counts, unparsable: m.unparsable, blankLines: m.blankLines, ...(spillPath !== undefined ? { spillPath } : {}) };
}

/** Progress of a file read in `ranges` ranges at once: each range's bytes and rows, reported as the file's. */
export function rangeProgress(file: CsvFile, totalBytes: number, ranges: number, o: FoldOptions): (k: number, bytes: number, rows: number) => void {
  const bytesOf = new Array<number>(ranges).fill(0);
  const rowsOf = new Array<number>(ranges).fill(0);
  const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
  return (k, bytes, rows) => {
    bytesOf[k] = bytes;
    rowsOf[k] = rows;
    o.onProgress?.({ file: file.path, bytesRead: sum(bytesOf), totalBytes, rows: sum(rowsOf) });
  };
}

/** Files smaller than this are folded on the main thread (workers cost ~50 ms to start). */
const PARALLEL_MIN_BYTES = Number(process.env.LEADSCORE_PARALLEL_MIN_BYTES ?? 32 << 20);
/** Byte ranges per large file: fixed (not the core count), so that every machine reads them alike. */
const RANGES = 2;
const ASCII_COMPATIBLE = /^(utf-8|windows-125\d|iso-8859-\d+|us-ascii|ibm866|koi8-[ru]|macintosh|x-mac-cyrillic)$/;

const spill = (path: string | undefined) => (path !== undefined ? { spillPath: path } : {});

/** Whether a file is gzip-compressed (its first two bytes). */
export async function isGzip(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const b = Buffer.alloc(2);
    await fh.read(b, 0, 2, 0);
    return gzipMagic(b);
  } finally {
    await fh.close();
  }
}

/** Whether bytes start with gzip's magic number. */
export const gzipMagic = (b: Uint8Array): boolean => b[0] === 0x1f && b[1] === 0x8b;

export interface FoldOptions {
  model: Model;
  asOfMs: number;
  formulaGuard: boolean;
  /** A scratch path for the rejects of worker range `name`; undefined: rejects are only counted. */
  scratch: (name: string) => string | undefined;
  onProgress?: (p: { file: string; bytesRead: number; totalBytes?: number; rows: number }) => void;
}

/**
 * Start folding the activity files that are worth reading in parallel; returns, per file, either a
 * promise of its worker parts or undefined (to be folded on the main thread with foldInThread).
 */
export async function startParallelFolds(files: CsvFile[], o: FoldOptions): Promise<(Promise<FoldedPart[]> | undefined)[]> {
  const out: (Promise<FoldedPart[]> | undefined)[] = [];
  let part = 0;
  for (const f of files) {
    const size = f.source === '-' ? 0 : (await stat(f.source)).size;
    // the bot filter looks at each lead's activities in time order: one reader per file
    const eligible = !o.model.engagement.botFilter && f.source !== '-' && size >= PARALLEL_MIN_BYTES && ASCII_COMPATIBLE.test(f.encoding) && !(await isGzip(f.source));
    if (!eligible) {
      out.push(undefined);
      continue;
    }
    f.close();
    const tasks: RangeTask[] = [];
    for (let k = 0; k < RANGES; k++) {
      tasks.push({
        path: f.path,
        source: f.source,
        index: k,
        last: k === RANGES - 1,
        nominalStart: Math.floor((size * k) / RANGES),
        nominalEnd: Math.floor((size * (k + 1)) / RANGES),
        size,
        header: f.knownHeader(),
        encoding: f.encoding,
        model: o.model,
        asOfMs: o.asOfMs,
        ...spill(o.scratch(`rejects-${part++}`)),
        formulaGuard: o.formulaGuard,
      });
    }
    out.push(runTasks(f, tasks, size, o));
  }
  return out;
}

async function runTasks(file: CsvFile, tasks: RangeTask[], size: number, o: FoldOptions): Promise<FoldedPart[]> {
  const workers = tasks.map((t) => new Worker(new URL('./activity-worker.js', import.meta.url), { workerData: t }));
  const report = rangeProgress(file, size, tasks.length, o);
  const tookOver = new Array<boolean>(tasks.length).fill(false);
  let failure: Error | undefined;
  const stopAll = (): void => {
    for (const other of workers) void other.terminate();
  };
  const parts = workers.map(
      (w, k) =>
        new Promise<FoldedPart>((resolve, reject) => {
          w.on('message', (m: WorkerMessage) => {
            switch (m.type) {
              case 'start':
                workers[k - 1]?.postMessage({ type: 'end', end: m.start });
                break;
              case 'progress':
                report(k, m.bytes, m.rows);
                break;
              case 'done':
                tookOver[k] = m.tookOver;
                report(k, m.bytes, m.counts.rows);
                resolve({ ...foldedPart(file, m, tasks[k]!.spillPath), ids: m.ids });
                void w.terminate();
                break;
              case 'error':
                failure ??= Object.assign(new Error(`${file.path}: ${m.message}`), m.code ? { code: m.code } : {});
                reject(failure);
                stopAll();
                break;
            }
          });
          w.on('error', (e) => {
            failure ??= e;
            reject(e);
            stopAll();
          });
          // stopped by stopAll() (another range failed, or an earlier one took over): settle all the same
          w.on('exit', () => reject(failure ?? new Error(`${file.path}: activity reader stopped`)));
        }),
  );
  for (const p of parts) p.catch(() => undefined); // a range whose reading is not used may fail unobserved
  // In range order: a range that read on past its end (the next one started inside a record) has
  // folded the rest of the file itself, so the later ranges are not used.
  const used: FoldedPart[] = [];
  for (let k = 0; k < parts.length; k++) {
    used.push(await parts[k]!);
    if (tookOver[k]) {
      stopAll();
      break;
    }
  }
  return used;
}

/** Fold a whole activity file on this thread; rejects go to `onReject` in line order. */
export async function foldInThread(
  file: CsvFile,
  cm: CompiledModel,
  onReject: (r: ActivityReject) => Promise<void> | void,
  onProgress?: FoldOptions['onProgress'],
): Promise<FoldedPart> {
  const pending: ActivityReject[] = [];
  const folder = new ActivityFolder(cm, file.header, (r) => pending.push(r));
  for await (const batch of file.batches((b) => folder.badRow(b))) {
    folder.addBatch(batch);
    pending.sort((a, b) => a.line - b.line);
    for (const r of pending) {
      const p = onReject(r);
      if (p) await p;
    }
    pending.length = 0;
    onProgress?.({ file: file.path, bytesRead: file.bytesRead(), ...(file.totalBytes !== undefined ? { totalBytes: file.totalBytes } : {}), rows: folder.counts.rows });
  }
  for (const r of pending) {
    const p = onReject(r);
    if (p) await p;
  }
  folder.finish();
  return { file, ids: folder.ids, state: folder.fold.state, counts: folder.counts, unparsable: [], blankLines: file.blankLines() };
}
