// The inputs of a score run that the fast path (issue 18) cannot read as they are, copied once per run
// into a folder of the output folder's state (OUTDIR/.leadscore/runs/<pid>-<random>, removed at the
// run's end, or by the next run when this one was killed):
//   - stdin ('-'), byte for byte: stdin can be read once, and a run that falls back to the reference
//     path reads its inputs again (before this, such a run found stdin empty: LS102/LS110). On disk,
//     it is also read by two threads, and hashed for the summary like any file;
//   - a file not in UTF-8 (UTF-16 with its BOM, or --encoding windows-1254...), decoded once into UTF-8,
//     on a worker thread per file (transcode.ts), all at once. The copy has the same lines and text,
//     so line numbers and the text of rejects do not change.
// The copies take disk space on the output folder's filesystem: about the size of their text in UTF-8.
// A copy is opened under its input's name (CsvFile.path; CsvFile.source is the copy), with the input's
// size for the summary.
import { createWriteStream, rmSync } from 'node:fs';
import { mkdir, open, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { byteOrderMark, type CsvFile, openCsv } from './csv-reader.js';
import { gzipMagic } from './activity-tasks.js';
import { InputError } from './errors.js';
import { ensureFolder, hex, track, untrack, type Cleanable } from './output-folder.js';
import { writeFailure } from './output-failure.js';
import { STATE_DIR } from './output-set.js';
import { csvOptions, type InputOptions } from './inputs.js';
import { transcode, writeAll } from './transcode.js';

/**
 * Files smaller than this are decoded on this thread (LEADSCORE_PARALLEL_MIN_BYTES, which also says
 * which activity files are read on threads, moves it: tests put small files on threads).
 */
const SMALL = Number(process.env.LEADSCORE_PARALLEL_MIN_BYTES ?? 8 << 20);

/** Errors that only writing gives: the copy did not fit (LS108, as for the outputs). */
const WRITE_ERRORS = new Set(['ENOSPC', 'EDQUOT', 'EFBIG']);

export class InputCopies implements Cleanable {
  private dir: string | undefined;
  private folder: Promise<string> | undefined;
  private made = 0;
  private sniffing: Promise<unknown> = Promise.resolve();
  /** Copies decoded at once: one per core of the machines we measure on. */
  private readonly threads = new Slots(2);
  /** stdin's bytes (kept for its sha256 when stdin is also decoded into UTF-8). */
  private stdin: string | undefined;
  /** Per input path, its copy (undefined: read the input as it is); `utf8`: decoded into UTF-8. */
  private readonly copies = new Map<string, Promise<{ file: string; utf8: boolean } | undefined>>();

  constructor(private readonly outDir: string) {}

  /** Start the copies `paths` need, all at once (open() waits for each). */
  prepare(paths: readonly string[], o: InputOptions): void {
    for (const p of paths) this.copyOf(p, o).catch(() => undefined); // (seen by open())
  }

  /** `path` opened for a score run: stdin and files not in UTF-8 as their copy, other files as they are. */
  async open(path: string, o: InputOptions): Promise<CsvFile> {
    const copy = await this.copyOf(path, o);
    if (copy === undefined) return openCsv(path, csvOptions(o));
    // a copy decoded into UTF-8 is read as UTF-8 whatever --encoding says; the delimiter holds
    const f = await openCsv(copy.file, { ...(copy.utf8 ? (o.delimiter ? { delimiter: o.delimiter } : {}) : csvOptions(o)), name: path });
    if (path === '-') delete f.totalBytes; // stdin has no size
    else f.totalBytes = (await stat(path)).size;
    return f;
  }

  /** The file the sha256 of `path` is taken from: the copy of stdin, the input itself otherwise. */
  async hashed(path: string): Promise<string> {
    if (path !== '-') return path;
    await this.copies.get('-')?.catch(() => undefined);
    return this.stdin ?? path;
  }

  async remove(): Promise<void> {
    await Promise.allSettled(this.copies.values());
    untrack(this);
    if (this.dir !== undefined) await rm(this.dir, { recursive: true, force: true });
    this.dir = undefined;
    this.folder = undefined;
    this.copies.clear();
  }

  cleanupSync(): void {
    if (this.dir !== undefined) rmSync(this.dir, { recursive: true, force: true });
  }

  private copyOf(path: string, o: InputOptions): Promise<{ file: string; utf8: boolean } | undefined> {
    let c = this.copies.get(path);
    if (!c) this.copies.set(path, (c = path === '-' ? this.copyStdin(o) : this.transcoded(path, o)));
    return c;
  }

  private async copyStdin(o: InputOptions): Promise<{ file: string; utf8: boolean }> {
    const to = await this.newCopy('stdin');
    await this.filling('stdin', to, writeAll(process.stdin, createWriteStream(to, { flags: 'wx', highWaterMark: 1 << 20 })));
    this.stdin = to;
    // stdin in another encoding: its copy is decoded as such a file would be
    return (await this.transcoded(to, o, 'stdin')) ?? { file: to, utf8: false };
  }

  /** A UTF-8 copy of `path` when it is in another encoding (its BOM or --encoding say which). */
  private async transcoded(path: string, o: InputOptions, shown = path): Promise<{ file: string; utf8: true } | undefined> {
    const encoding = await this.encodingOf(path, o, shown === 'stdin' ? '-' : undefined);
    if (encoding === 'utf-8') return undefined;
    const to = await this.newCopy(shown === 'stdin' ? 'stdin-utf8' : 'utf8');
    await this.threads.run(async () => {
      const size = (await stat(path)).size;
      // (a thread costs more to start than a small file takes)
      const written = size < SMALL ? transcode(path, encoding, createWriteStream(to, { flags: 'wx', highWaterMark: 1 << 20 })) : onThread(path, encoding, to);
      await this.filling(shown, to, written);
    });
    return { file: to, utf8: true };
  }

  /**
   * The encoding `path` is read in, as the reader decides it: a BOM, else --encoding, else UTF-8. Files
   * are opened for it one at a time (1,000 -a files must not be open at once).
   */
  private encodingOf(path: string, o: InputOptions, name?: string): Promise<string> {
    const enc = this.sniffing.then(async () => {
      const head = Buffer.alloc(4);
      const fh = await open(path, 'r').catch(() => undefined);
      const n = fh ? (await fh.read(head, 0, 4, 0).finally(() => fh.close())).bytesRead : 0;
      const bom = fh ? byteOrderMark(head.subarray(0, n)) : undefined;
      if (bom) return bom.encoding;
      const label = o.encoding ?? 'utf-8';
      if (fh && !gzipMagic(head) && label === 'utf-8') return label;
      // a gzip file's BOM is in its stream, another label is normalised (or refused: LS105) by the
      // reader, a file that cannot be opened is its to report (LS101)
      const f = await openCsv(path, { ...csvOptions(o), ...(name !== undefined ? { name } : {}) });
      f.close();
      return f.encoding;
    });
    this.sniffing = enc.catch(() => undefined);
    return enc;
  }

  /** A new path in this run's copies folder (made once, on first use, for copies started at once). */
  private async newCopy(kind: string): Promise<string> {
    this.folder ??= (async () => {
      const dir = join(await ensureFolder(this.outDir), STATE_DIR, 'runs', `${process.pid}-${hex()}`);
      this.dir = dir;
      track(this);
      await mkdir(dir, { recursive: true }).catch((e: unknown) => Promise.reject(writeFailure(e, this.outDir, `making ${dir}`)));
      return dir;
    })();
    return join(await this.folder, `input-${this.made++}-${kind}.csv`);
  }

  /** Wait for a copy being written: a full disk is LS108, a read error LS101 (the reader's codes). */
  private async filling(shown: string, to: string, written: Promise<void>): Promise<void> {
    try {
      await written;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== undefined && WRITE_ERRORS.has(code)) throw writeFailure(e, this.outDir, `copying ${shown} to ${to}`);
      throw new InputError('LS101', `${shown}: cannot read input (${(e as Error).message})`, shown === 'stdin' ? '-' : shown);
    }
  }
}

/** transcode() on a worker thread (transcode-worker.ts). */
function onThread(path: string, encoding: string, to: string): Promise<void> {
  const w = new Worker(new URL('./transcode-worker.js', import.meta.url), { workerData: { path, encoding, to } });
  const done = new Promise<void>((resolve, reject) => {
    w.once('message', (m: { done?: true; message?: string; code?: string }) => (m.done ? resolve() : reject(Object.assign(new Error(m.message), { code: m.code }))));
    w.once('error', reject);
    w.once('exit', () => reject(new Error('the copying thread stopped')));
  });
  return done.finally(() => void w.terminate());
}

/** At most `n` tasks at once; the others wait their turn. */
class Slots {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly n: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.n) await new Promise<void>((go) => this.waiting.push(go));
    this.running++;
    try {
      return await task();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}
