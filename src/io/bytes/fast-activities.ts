// The activity files on the fast path of `score` (issue 18): a UTF-8 file on disk (stdin and files in
// other encodings are read from their UTF-8 copy: io/input-copies.ts) is folded from
// its bytes by worker threads (activity-bytes-worker.ts), two byte ranges for a large file (with a bot
// filter, two threads reading it all, each folding half the leads), one for a small one; a gzip file
// on this thread, as its stream is decompressed. With the leads' id index (the leads file read first), every range of every file folds
// into one fold keyed by lead slot, in shared memory (SharedFold: memory for one fold, whatever the
// number of ranges and files); without it, each part comes back with its lead ids as bytes (IdKeys),
// mapped onto the leads' slots afterwards. A worker that meets input only the reference reader handles
// ends the fast path: the run starts again on the reference path (FallBack).
import { Worker } from 'node:worker_threads';
import { open } from 'node:fs/promises';
import type { CsvFile } from '../csv-reader.js';
import { foldedPart, rangeProgress, type FoldedPart, type FoldOptions, type RangeDone, type RangePlan } from '../activity-tasks.js';
import type { IdKeys, SharedIdIndex } from './id-index.js';
import { FallBack, dataStart } from './fast-leads.js';
import { foldRange } from './fold-range.js';
import { sharedFold, type Share, type SharedFold } from './activity-bytes.js';
import { utf8File } from '../score-inputs.js';
import { gzipMagic } from '../activity-tasks.js';
import { compileModel } from '../../core/score/compiled.js';

/** What a worker of the fast path folds. */
export interface ByteRangeTask extends RangePlan {
  /** First byte after the header. */
  dataStart: number;
  header: string[];
  delimiter: number;
  trailingDelimiter: boolean;
  /** The leads' id index: the fold is keyed by lead slot (see ByteFolderOptions.leads). */
  leads?: SharedIdIndex;
  /** With `leads`: the leads' fold, which every range of every file folds into. */
  into?: SharedFold;
  /** A gzip file: its decompressed stream, read whole (dataStart found there). */
  gzip?: boolean;
  /** A file read whole by each of several threads, each folding its share of the leads (see ByteFolderOptions.share). */
  share?: Share;
}

export type ByteWorkerMessage =
  | { type: 'progress'; bytes: number; rows: number }
  | (RangeDone & { type: 'done'; keys: IdKeys })
  | { type: 'error'; message: string; code?: string; fallback?: boolean };

/**
 * A folded part whose lead ids are bytes (`keys`), not strings; or, folded against the leads' id index
 * (`bySlot`), one already in the shared leads' fold (FastFolds.into): its state's arrays are that
 * fold's, only its unknown-type counts are its own.
 */
export type BytePart = FoldedPart & { keys: IdKeys; bySlot: boolean };

/** Large files are split in two byte ranges (fixed, not the core count: every machine reads them alike). */
const PARALLEL_MIN_BYTES = Number(process.env.LEADSCORE_PARALLEL_MIN_BYTES ?? 32 << 20);
const RANGES = 2;

export interface FastFolds {
  /** Per file: its parts, or undefined when the file is not for the fast path (fold it on the reference path). */
  parts: (Promise<BytePart[]> | undefined)[];
  /**
   * The leads' fold the parts folded by lead slot are in (slot leads.size: the orphans'), when any
   * is. Until every such part is done, other threads are still adding to it.
   */
  into: SharedFold | undefined;
  /** End every worker still running (on an error or a fall-back). */
  stop(): void;
}


export async function startFastFolds(files: CsvFile[], o: FoldOptions, leads?: SharedIdIndex): Promise<FastFolds> {
  const workers: Worker[] = [];
  const parts: (Promise<BytePart[]> | undefined)[] = [];
  let part = 0;
  let into: SharedFold | undefined;
  for (const f of files) {
    if (!utf8File(f)) {
      parts.push(undefined);
      continue;
    }
    if (leads && !into) into = sharedFold(compileModel(o.model, { leadHeader: [], asOfMs: o.asOfMs, env: { isDisposableDomain: () => false } }), leads.size);
    const known = f.knownHeader();
    // the file's first bytes: gzip (a stream of UTF-8 text, decompressed and folded from its bytes on
    // this thread: its data start is found there), else where the data starts
    const fh = await open(f.source, 'r');
    let size: number;
    let gzip: boolean;
    let start = 0;
    try {
      size = (await fh.stat()).size;
      const head = Buffer.allocUnsafe(1 << 16);
      const { bytesRead } = await fh.read(head, 0, head.length, 0);
      gzip = gzipMagic(head.subarray(0, bytesRead));
      if (!gzip) start = dataStart(head, bytesRead, f.delimiter.charCodeAt(0), known.names.length, known.trailingDelimiter);
    } finally {
      await fh.close();
    }
    f.close();
    // A large file is read by two threads: two byte ranges, or, with a bot filter (each lead's
    // activities in time order), the whole file by each thread, each folding its share of the leads. A
    // gzip file without one is one range on this thread (zlib decompresses on another core meanwhile;
    // two threads decompressing it all each took 1.15x as long, measured on 1M / 10M).
    const bot = o.model.engagement.botFilter !== undefined;
    const large = size >= PARALLEL_MIN_BYTES && (!gzip || bot);
    const byLeads = large && bot;
    const ranges = large ? RANGES : 1;
    const tasks: ByteRangeTask[] = [];
    for (let k = 0; k < ranges; k++) {
      const spillPath = o.scratch(`byte-rejects-${part++}`);
      tasks.push({
        path: f.path,
        source: f.source,
        index: k,
        last: byLeads || k === ranges - 1,
        nominalStart: k === 0 || byLeads ? start : Math.max(start, Math.floor((size * k) / ranges)),
        nominalEnd: k === ranges - 1 || byLeads ? size : Math.max(start, Math.floor((size * (k + 1)) / ranges)),
        size,
        dataStart: start,
        header: known.names,
        delimiter: f.delimiter.charCodeAt(0),
        trailingDelimiter: known.trailingDelimiter,
        model: o.model,
        asOfMs: o.asOfMs,
        ...(spillPath !== undefined ? { spillPath } : {}),
        formulaGuard: o.formulaGuard,
        ...(leads && into ? { leads, into } : {}),
        ...(gzip ? { gzip } : {}),
        ...(byLeads ? { share: { index: k, of: ranges } } : {}),
      });
    }
    if (large) {
      const folded = runTasks(f, tasks, size, o, workers);
      folded.catch(() => undefined); // seen when the caller awaits the file's parts; not unhandled before that
      parts.push(folded);
    } else parts.push(lazy(() => inThread(f, tasks[0]!, o)));
  }
  return {
    parts,
    into,
    stop: () => {
      for (const w of workers) void w.terminate();
    },
  };
}

/**
 * A promise whose work starts when it is first awaited. Small files are folded one at a time as the
 * merge reaches them: started all at once, 1,000 small files held 1,000 folds, read buffers and open
 * descriptors together (issue 16: memory grew with the number of -a files).
 */
function lazy<T>(start: () => Promise<T>): Promise<T> {
  let p: Promise<T> | undefined;
  const get = (): Promise<T> => (p ??= start());
  const l: Promise<T> = {
    then: (ok, fail) => get().then(ok, fail),
    catch: (fail) => get().catch(fail),
    finally: (f) => get().finally(f),
    [Symbol.toStringTag]: 'Promise',
  };
  return l;
}

/** A small file: folded on this thread (a worker costs more to start than the file takes to read). */
async function inThread(file: CsvFile, task: ByteRangeTask, o: FoldOptions): Promise<BytePart[]> {
  try {
    const r = await foldRange(task, (bytes, rows) => o.onProgress?.({ file: file.path, bytesRead: bytes, totalBytes: task.size, rows }));
    return [{ ...foldedPart(file, r, task.spillPath), ids: [], keys: r.keys, bySlot: task.leads !== undefined }];
  } catch (e) {
    const err = e as Error & { fallback?: boolean };
    throw err.fallback ? new FallBack(`${file.path}: ${err.message}`) : err;
  }
}

function runTasks(file: CsvFile, tasks: ByteRangeTask[], size: number, o: FoldOptions, all: Worker[]): Promise<BytePart[]> {
  const workers = tasks.map((t) => new Worker(new URL('./activity-bytes-worker.js', import.meta.url), { workerData: t }));
  all.push(...workers);
  const report = rangeProgress(file, size, tasks.length, o);
  // A range that fails ends the file's other ranges, unless they fold into the shared leads' fold: a
  // thread ended in the middle of an activity would leave its lead's lock held, and another thread
  // (this one, folding a small file) would wait on it. They finish their range; the run's end stops
  // whatever is still running (FastFolds.stop, when nothing folds any more).
  const stopOthers = () => {
    if (!tasks[0]!.into) for (const other of workers) void other.terminate();
  };
  const folded = Promise.all(
    workers.map(
      (w, k) =>
        new Promise<BytePart>((resolve, reject) => {
          w.on('message', (m: ByteWorkerMessage) => {
            switch (m.type) {
              case 'progress':
                report(k, m.bytes, m.rows);
                break;
              case 'done':
                report(k, m.bytes, m.counts.rows);
                resolve({ ...foldedPart(file, m, tasks[k]!.spillPath), ids: [], keys: m.keys, bySlot: tasks[k]!.leads !== undefined });
                void w.terminate();
                break;
              case 'error':
                reject(m.fallback ? new FallBack(`${file.path}: ${m.message}`) : Object.assign(new Error(`${file.path}: ${m.message}`), m.code ? { code: m.code } : {}));
                stopOthers();
                break;
            }
          });
          w.on('error', (e) => {
            reject(e);
            stopOthers();
          });
        }),
    ),
  );
  // a rejection is seen when the caller awaits the file's parts; until then it must not be unhandled
  folded.catch(() => undefined);
  return folded;
}
