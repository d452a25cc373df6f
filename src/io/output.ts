// Atomic outputs (PRODUCT.md §4, docs/operations.md "How outputs are published").
//
// A run writes every output into a fresh run folder, OUTDIR/.leadscore/runs/<pid>-<random>/, and
// publishes the whole set with one rename: the link OUTDIR/.leadscore/current is swapped to the new run
// folder. The names users and scripts read, OUTDIR/scored.csv, OUTDIR/band-<name>.csv, ..., are
// symbolic links to .leadscore/current/<name>, so they switch from yesterday's set to today's at that
// one rename — never a mix. Outputs the run does not write (e.g. another command's files in the same
// OUTDIR) are carried over into the new run folder as hard links, so they stay as they were.
// Until the swap nothing a reader sees changes; every failure before it (ENOSPC, EIO, EMFILE, a folder
// where an output goes, ...) is an InputError LS108 (exit 3), the run folder is removed, and OUTDIR reads
// as before. SIGINT/SIGTERM remove the run folder; run folders of killed runs (SIGKILL) are removed by
// the next run. Single files (train's model, init's model) are replaced by one rename of a temporary
// written beside them (ReplacingFile). Every filesystem call goes through an FsPort (fs-port.ts), so that
// tests can fail or pause any step.
import { access, mkdir, readdir, stat, unlink } from 'node:fs/promises';
import { constants } from 'node:fs';
import { InputError } from './errors.js';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';
import { nodeFs, errnoError, type FsPort } from './fs-port.js';

export type { FsPort } from './fs-port.js';

/** A file's buffer grows up to this many bytes before it is written out (the first files of a set). */
const BUFFER_BYTES = 1 << 20;
/** ...and up to this many for files beyond the first BIG_BUFFER_FILES (e.g. thousands of band files). */
const SMALL_BUFFER_BYTES = 64 << 10;
const BIG_BUFFER_FILES = 16;
/** At most this many output descriptors are open at once; others are closed and reopened as needed. */
export const MAX_OPEN_OUTPUTS = 32;
/** The hidden folder in OUTDIR that holds the run folders and the `current` link. */
export const STATE_DIR = '.leadscore';

export interface OutputFile {
  readonly name: string;
  /** Buffers `chunk`; returns a promise only when the caller should wait (the previous write is still going). */
  write(chunk: string): Promise<void> | void;
  /** Buffers bytes that are already UTF-8 (e.g. a record copied as it was read). */
  writeBytes(bytes: Uint8Array): Promise<void> | void;
}

export interface OutputOptions {
  /** The filesystem (tests inject faults here); default: node:fs. */
  fs?: FsPort;
}

/** The diagnostic for any failure to write or publish outputs: exit 3, the previous outputs stay. */
export function writeFailure(e: unknown, where: string, what: string): InputError {
  if (e instanceof InputError) return e;
  const err = e as NodeJS.ErrnoException;
  const code = err?.code ?? 'EIO';
  const hints: Record<string, string> = {
    ENOSPC: 'the filesystem is full: free some space (or give -o a folder on another filesystem) and run again',
    EDQUOT: 'the disk quota is used up: free some space and run again',
    EMFILE: 'too many open files: raise the limit (ulimit -n) and run again',
    ENFILE: 'the system is out of file descriptors: run again later or raise the system limit',
    EISDIR: 'a folder stands where an output file goes: remove or rename it, then run again',
    EACCES: 'the output folder is not writable by this user',
    EROFS: 'the output filesystem is read-only',
  };
  return new InputError(
    'LS108',
    `cannot write the outputs (${what}): ${err?.message ?? String(e)}; nothing was replaced`,
    where,
    undefined,
    `${hints[code] ?? 'check the output filesystem (disk errors, permissions) and run again'}; the previous outputs are as they were`,
  );
}

/** Errors that only writing gives (disk full, quota, file too large): wherever they happen, LS108. */
const WRITE_ONLY_ERRORS = new Set(['ENOSPC', 'EDQUOT', 'EFBIG']);

/**
 * A run's failure as the user sees it: a disk-full error from any writer (a worker thread's part or
 * reject file in the run folder, not only the outputs themselves) is LS108, exit 3 — never exit 1.
 */
export function runFailure(e: unknown, outDir: string | undefined): unknown {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return outDir !== undefined && code !== undefined && WRITE_ONLY_ERRORS.has(code) ? writeFailure(e, outDir, 'writing the run folder') : e;
}

/** Open descriptors of a set's files, least recently used first; at most `max` at once. */
class FdPool {
  private open = new Set<TempFile>();
  private waiting: (() => void)[] = [];
  private opening = 0;
  constructor(
    private readonly fs: FsPort,
    private readonly max = MAX_OPEN_OUTPUTS,
  ) {}

  async acquire(f: TempFile): Promise<number> {
    if (f.fd !== null) {
      this.open.delete(f);
      this.open.add(f);
      return f.fd;
    }
    while (this.open.size + this.opening >= this.max) {
      let victim: TempFile | undefined;
      for (const x of this.open) if (!x.busy) { victim = x; break; }
      // every open file has a write going: wait until one is done
      if (!victim) await new Promise<void>((res) => this.waiting.push(res));
      else await this.release(victim).catch((e) => victim.fail(e));
    }
    this.opening++; // counted before the open returns, so that concurrent callers see the slot taken
    let fd: number;
    try {
      fd = await this.fs.open(f.path, f.created ? 'r+' : 'wx', 0o644);
    } catch (e) {
      this.idle();
      throw e;
    } finally {
      this.opening--;
    }
    f.created = true;
    f.fd = fd;
    this.open.add(f);
    return fd;
  }

  /** A write of `f` is done: one caller waiting for a descriptor may go on. */
  idle(): void {
    this.waiting.shift()?.();
  }

  async release(f: TempFile): Promise<void> {
    if (f.fd === null) return;
    const fd = f.fd;
    f.fd = null;
    this.open.delete(f);
    try {
      await this.fs.close(fd);
    } finally {
      this.idle();
    }
  }

  releaseSync(f: TempFile): void {
    if (f.fd === null) return;
    const fd = f.fd;
    f.fd = null;
    this.open.delete(f);
    try {
      this.fs.closeSync(fd);
    } catch {
      /* already closed */
    }
  }
}

/** One output being written: buffered, written with positional writes, one write in flight at a time. */
class TempFile implements OutputFile {
  private buf: Buffer | null = null;
  private used = 0;
  /** Bytes handed to writes so far (the next write's file position). */
  private pos = 0;
  private inflight: Promise<void> | null = null;
  fd: number | null = null;
  created = false;
  busy = false;
  error: InputError | null = null;
  closed = false;

  constructor(
    readonly name: string,
    readonly path: string,
    private readonly fs: FsPort,
    private readonly pool: FdPool,
    private readonly cap: number,
    private readonly wrap: (e: unknown, what: string) => InputError,
  ) {}

  fail(e: unknown): InputError {
    this.error ??= this.wrap(e, `writing ${this.name}`);
    return this.error;
  }

  private check(): void {
    if (this.error) throw this.error;
    if (this.closed) throw new Error(`output ${this.name} is already closed`);
  }

  /** Room for `bytes` more bytes in the buffer, growing it up to the cap; false when it must be flushed. */
  private room(bytes: number): boolean {
    if (!this.buf) this.buf = Buffer.allocUnsafe(Math.min(this.cap, Math.max(SMALL_BUFFER_BYTES, bytes)));
    if (bytes <= this.buf.length - this.used) return true;
    if (this.used + bytes > this.cap) return false;
    const bigger = Buffer.allocUnsafe(Math.min(this.cap, Math.max(this.buf.length * 2, this.used + bytes)));
    this.buf.copy(bigger, 0, 0, this.used);
    this.buf = bigger;
    return true;
  }

  write(chunk: string): Promise<void> | void {
    this.check();
    // Encoding each chunk straight into a byte buffer is cheaper than building a long string.
    const worst = chunk.length * 3;
    if (!this.room(worst)) {
      const p = this.flush();
      if (worst > this.cap) {
        const big = Buffer.from(chunk, 'utf8');
        return p ? p.then(() => this.writeOut(big)) : this.writeOut(big);
      }
      if (p) return p.then(() => this.write(chunk));
      this.room(worst);
    }
    this.used += this.buf!.write(chunk, this.used, 'utf8');
  }

  writeBytes(bytes: Uint8Array): Promise<void> | void {
    this.check();
    if (!this.room(bytes.length)) {
      const p = this.flush();
      if (bytes.length > this.cap) {
        const copy = Buffer.from(bytes);
        return p ? p.then(() => this.writeOut(copy)) : this.writeOut(copy);
      }
      if (p) return p.then(() => this.writeBytes(bytes));
      this.room(bytes.length);
    }
    this.buf!.set(bytes, this.used);
    this.used += bytes.length;
  }

  private flush(): Promise<void> | void {
    if (this.used === 0 || !this.buf) return;
    const data = this.buf.subarray(0, this.used);
    this.buf = Buffer.allocUnsafe(this.buf.length);
    this.used = 0;
    return this.writeOut(data);
  }

  /**
   * Starts writing `data` after the writes already started. Returns a promise (to wait on) only when
   * an earlier write is still going, so that at most two buffers per file are in memory. A failure is
   * kept and thrown by the next write() or by finish(): no promise is left to reject unobserved, and
   * every promise settles (fs callbacks always come back, with data or an error).
   */
  private writeOut(data: Buffer): Promise<void> | void {
    const at = this.pos;
    this.pos += data.length;
    const prev = this.inflight;
    const run = async (): Promise<void> => {
      if (this.error) return;
      this.busy = true;
      try {
        const fd = await this.pool.acquire(this);
        let off = 0;
        while (off < data.length) {
          const n = await this.fs.write(fd, data, off, data.length - off, at + off);
          if (n <= 0) throw errnoError('EIO', 'write', this.path);
          off += n;
        }
      } finally {
        this.busy = false;
        this.pool.idle();
      }
    };
    const tracked: Promise<void> = (prev ? prev.then(run) : run()).catch((e) => void this.fail(e)).then(() => {
      if (this.inflight === tracked) this.inflight = null;
    });
    this.inflight = tracked;
    if (prev) {
      return prev.then(() => {
        if (this.error) throw this.error;
      });
    }
  }

  /** Write what is buffered, fsync and close (the file exists afterwards, even when empty). */
  async finish(): Promise<void> {
    this.check();
    await this.flush();
    await this.inflight;
    if (this.error) throw this.error;
    try {
      const fd = await this.pool.acquire(this);
      await this.fs.fsync(fd);
      await this.pool.release(this);
    } catch (e) {
      throw this.fail(e);
    }
    this.closed = true;
  }

  /** Stop: wait for a write in flight, close the descriptor (errors ignored). The caller removes the file. */
  async discard(): Promise<void> {
    this.closed = true;
    await this.inflight;
    await this.pool.release(this).catch(() => undefined);
  }

  discardSync(): void {
    this.closed = true;
    this.pool.releaseSync(this);
  }
}

// --- exit: whatever is being written is removed, the previous outputs stay -------------------------
// The CLI turns SIGINT/SIGTERM into process.exit(130/143) (src/cli/main.ts); io never ends the process
// itself. An exit of the process before commit() or abort() runs cleanupSync() of each live set.

interface Cleanable {
  cleanupSync(): void;
}
const live = new Set<Cleanable>();
const onExit = (): void => {
  for (const x of [...live]) x.cleanupSync();
};
function track(x: Cleanable): void {
  if (live.size === 0) process.on('exit', onExit);
  live.add(x);
}
function untrack(x: Cleanable): void {
  live.delete(x);
  if (live.size === 0) process.off('exit', onExit);
}

const hex = (): string => randomBytes(4).toString('hex');

/** mkdir -p for OUTDIR itself, with LS107 when it cannot be a writable folder. */
async function ensureFolder(outDir: string): Promise<string> {
  const dir = resolve(outDir);
  try {
    const st = await stat(dir).catch(() => undefined);
    if (st && !st.isDirectory()) throw Object.assign(new Error('it is a file, not a folder'), { code: 'ENOTDIR' });
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOTDIR' ? 'it is a file, not a folder' : (e as Error).message;
    throw new InputError('LS107', `cannot write to the output folder ${outDir}: ${why}`, outDir, undefined, 'give -o a folder you can write to (it is created when missing)');
  }
  return dir;
}

async function mkdirIfMissing(fs: FsPort, path: string): Promise<void> {
  const k = await fs.kind(path);
  if (k === 'dir') return;
  if (k !== undefined) throw errnoError('ENOTDIR', 'mkdir', path);
  try {
    await fs.mkdir(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
}

/** fsync a folder so that the entries made in it are durable. */
async function syncDir(fs: FsPort, dir: string): Promise<void> {
  const fd = await fs.open(dir, 'r');
  try {
    await fs.fsync(fd);
  } catch (e) {
    // not every filesystem can fsync a folder
    if ((e as NodeJS.ErrnoException).code !== 'EINVAL' && (e as NodeJS.ErrnoException).code !== 'ENOTSUP') throw e;
  } finally {
    await fs.close(fd);
  }
}

function pidAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The run folder `.leadscore/current` points at (its name), or undefined before the first run. */
async function currentRun(fs: FsPort, state: string): Promise<string | undefined> {
  try {
    return basename(await fs.readlink(join(state, 'current')));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

const RUN = /^(\d+)-[0-9a-f]+(-kept)?$/;
const CURRENT_TMP = /^\.current-(\d+)-[0-9a-f]+$/;

/** Run folders (and link temporaries) of runs that are gone, except the published one. */
async function removeStaleRuns(fs: FsPort, state: string): Promise<string[]> {
  const removed: string[] = [];
  const current = await currentRun(fs, state).catch(() => undefined);
  const runs = join(state, 'runs');
  for (const name of await fs.readdir(runs).catch(() => [] as string[])) {
    const m = RUN.exec(name);
    if (!m || name === current || pidAlive(Number(m[1]))) continue;
    await fs.removeTree(join(runs, name)).catch(() => undefined);
    removed.push(join('runs', name));
  }
  for (const name of await fs.readdir(state).catch(() => [] as string[])) {
    const m = CURRENT_TMP.exec(name);
    if (!m || pidAlive(Number(m[1]))) continue;
    await fs.unlink(join(state, name)).catch(() => undefined);
    removed.push(name);
  }
  return removed;
}

/** A set of outputs committed together (OutputSet) or thrown away (OutputSet.discarding()). */
export interface Outputs {
  file(name: string): OutputFile;
  /** A scratch file path in the output folder, removed with the temporaries (undefined: no folder). */
  scratch(name: string): string | undefined;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

/** The link target of an output name: the file of the same name in the published run. */
export const linkTarget = (name: string): string => `${STATE_DIR}/current/${name}`;

export class OutputSet implements Outputs, Cleanable {
  /** Outputs that go nowhere: for runs that only need the scores (evaluate, explain). */
  static discarding(): Outputs {
    const files = new Map<string, OutputFile>();
    return {
      file: (name) => {
        let f = files.get(name);
        if (!f) files.set(name, (f = { name, write: () => undefined, writeBytes: () => undefined }));
        return f;
      },
      scratch: () => undefined,
      commit: async () => undefined,
      abort: async () => undefined,
    };
  }

  private files = new Map<string, TempFile>();
  private state: 'open' | 'committing' | 'committed' | 'aborted' = 'open';
  private scratchPaths: string[] = [];
  private readonly pool: FdPool;
  private readonly stateDir: string;

  private constructor(
    readonly outDir: string,
    /** This run's folder, OUTDIR/.leadscore/runs/<pid>-<random>. */
    readonly runDir: string,
    private readonly fs: FsPort,
  ) {
    this.pool = new FdPool(fs);
    this.stateDir = join(outDir, STATE_DIR);
  }

  /**
   * mkdir -p outDir and a fresh run folder in it; removes what killed runs left. Until commit() or
   * abort(), an exit of the process (also the exit 130/143 that the CLI makes of SIGINT/SIGTERM)
   * removes the run folder.
   */
  static async create(outDir: string, opts: OutputOptions = {}): Promise<OutputSet> {
    const fs = opts.fs ?? nodeFs;
    const dir = await ensureFolder(outDir);
    await removeStaleTemporaries(dir);
    const state = join(dir, STATE_DIR);
    const runDir = join(state, 'runs', `${process.pid}-${hex()}`);
    const set = new OutputSet(dir, runDir, fs);
    track(set); // before the run folder exists: a signal from now on removes it
    try {
      await mkdirIfMissing(fs, state);
      await mkdirIfMissing(fs, join(state, 'runs'));
      await removeStaleRuns(fs, state);
      await fs.mkdir(runDir);
    } catch (e) {
      await set.abort();
      throw writeFailure(e, outDir, `making the run folder ${runDir}`);
    }
    return set;
  }

  /** The output `name` (a plain file name inside outDir); the same name returns the same file. */
  file(name: string): OutputFile {
    if (this.state !== 'open') throw new Error(`output set already ${this.state}`);
    if (name !== basename(name) || name === '' || name.startsWith('.') || name.includes('\0')) {
      throw new Error(`output name must be a plain file name: ${JSON.stringify(name)}`);
    }
    let f = this.files.get(name);
    if (!f) {
      const cap = this.files.size < BIG_BUFFER_FILES ? BUFFER_BYTES : SMALL_BUFFER_BYTES;
      f = new TempFile(name, join(this.runDir, name), this.fs, this.pool, cap, (e, what) => writeFailure(e, this.outDir, what));
      this.files.set(name, f);
    }
    return f;
  }

  /**
   * A path for a scratch file (e.g. rejects spilled by a worker thread) in this run's folder, created
   * by the caller; never published, removed with the run folder.
   */
  scratch(name: string): string {
    const p = join(this.runDir, `.scratch-${hex()}-${name}`);
    this.scratchPaths.push(p);
    return p;
  }

  /**
   * Write out and fsync every file, then publish the set: one rename of `.leadscore/current`. Any
   * failure before that rename is LS108, and OUTDIR reads as it did before the run.
   */
  async commit(): Promise<void> {
    if (this.state !== 'open') throw new Error(`output set already ${this.state}`);
    this.state = 'committing';
    const { fs, outDir: dir, stateDir: state } = this;
    const runs = join(state, 'runs');
    const made: string[] = [];
    let linked = false;
    let old: string | undefined;
    let step = 'writing the outputs';
    try {
      for (const f of this.files.values()) await f.finish();
      for (const p of this.scratchPaths) await fs.unlink(p).catch(() => undefined);
      this.scratchPaths = [];
      step = 'publishing the outputs';
      const names = [...this.files.keys()];
      // what stands at each output name now: nothing, our link, a regular file (yesterday's outputs
      // from before outputs were published as a set), or something we must not replace
      const kinds = new Map<string, 'ours' | 'file' | 'link' | undefined>();
      for (const name of names) {
        const k = await fs.kind(join(dir, name));
        if (k === 'dir') throw errnoError('EISDIR', `${join(dir, name)} is a folder, where the output`, name);
        if (k === 'other') throw errnoError('EEXIST', `${join(dir, name)} is not a regular file, where the output`, name);
        kinds.set(name, k === 'link' ? ((await fs.readlink(join(dir, name))) === linkTarget(name) ? 'ours' : 'link') : k);
      }
      old = await currentRun(fs, state);
      // Regular files are first put into the published run (hard links: the same bytes), so that turning
      // their names into links changes nothing a reader sees.
      const legacy = names.filter((n) => kinds.get(n) === 'file');
      if (legacy.length) {
        if (!old) {
          old = `${process.pid}-${hex()}-kept`;
          await fs.mkdir(join(runs, old));
          for (const n of legacy) await fs.link(join(dir, n), join(runs, old, n));
          await this.pointCurrent(old);
        } else {
          for (const n of legacy) {
            const tmp = join(runs, old, `.keep-${hex()}`);
            await fs.link(join(dir, n), tmp);
            await fs.rename(tmp, join(runs, old, n));
          }
        }
      }
      // Outputs this run does not write stay as they were: carried over into the new run folder.
      if (old) {
        for (const e of await fs.readdir(join(runs, old))) {
          if (this.files.has(e) || e.startsWith('.')) continue;
          if ((await fs.kind(join(runs, old, e))) !== 'file') continue;
          await fs.link(join(runs, old, e), join(this.runDir, e));
        }
      }
      await syncDir(fs, this.runDir);
      for (const n of names) {
        if (kinds.get(n) === 'ours') continue;
        const tmp = join(dir, `.leadscore-${process.pid}-${hex()}-${n}.tmp`);
        await fs.symlink(linkTarget(n), tmp);
        try {
          await fs.rename(tmp, join(dir, n));
        } catch (e) {
          await fs.unlink(tmp).catch(() => undefined);
          throw e;
        }
        if (kinds.get(n) === undefined) made.push(n);
        linked = true;
      }
      await this.pointCurrent(basename(this.runDir)); // the commit point
    } catch (e) {
      // before the commit point: links made where nothing was are removed, the run folder goes
      for (const n of made) await fs.unlink(join(dir, n)).catch(() => undefined);
      this.state = 'open';
      await this.abort();
      throw writeFailure(e, this.outDir, step);
    }
    this.state = 'committed';
    untrack(this);
    // after the commit point everything is best effort: the new outputs are published
    await syncDir(fs, state).catch(() => undefined); // the rename of `current` is durable
    if (made.length || linked) await syncDir(fs, dir).catch(() => undefined); // new links in OUTDIR
    if (old) await fs.removeTree(join(runs, old)).catch(() => undefined);
  }

  /** `.leadscore/current` → runs/<run>, replaced by one rename. */
  private async pointCurrent(run: string): Promise<void> {
    const tmp = join(this.stateDir, `.current-${process.pid}-${hex()}`);
    await this.fs.symlink(`runs/${run}`, tmp);
    try {
      await this.fs.rename(tmp, join(this.stateDir, 'current'));
    } catch (e) {
      await this.fs.unlink(tmp).catch(() => undefined);
      throw e;
    }
  }

  /** Close and remove everything this run wrote; previous outputs are untouched. Safe to call twice. */
  async abort(): Promise<void> {
    if (this.state === 'committed' || this.state === 'aborted') return;
    this.state = 'aborted';
    for (const f of this.files.values()) await f.discard();
    await this.fs.removeTree(this.runDir).catch(() => undefined);
    // the hidden folders go too when nothing else is in them (a first run that failed leaves nothing)
    await this.fs.rmdir(join(this.stateDir, 'runs')).catch(() => undefined);
    await this.fs.rmdir(this.stateDir).catch(() => undefined);
    this.scratchPaths = [];
    untrack(this);
  }

  cleanupSync(): void {
    if (this.state === 'committed') return;
    for (const f of this.files.values()) f.discardSync();
    try {
      this.fs.removeTreeSync(this.runDir);
      this.fs.rmdirSync(join(this.stateDir, 'runs'));
      this.fs.rmdirSync(this.stateDir);
    } catch {
      /* gone, or other runs are there */
    }
  }
}

/**
 * One file replaced by a single rename (train's model, init's model, train's split files): written to
 * a temporary beside it, fsynced, renamed over it on commit(). Failures are LS108; the old file stays.
 */
export class ReplacingFile implements OutputFile, Cleanable {
  private readonly tmp: TempFile;
  private readonly pool: FdPool;
  private done = false;

  private constructor(
    readonly path: string,
    private readonly fs: FsPort,
  ) {
    this.pool = new FdPool(fs, 1);
    const tmpPath = join(dirname(path), `.leadscore-${process.pid}-${hex()}-${basename(path)}.tmp`);
    this.tmp = new TempFile(basename(path), tmpPath, fs, this.pool, BUFFER_BYTES, (e, what) => writeFailure(e, path, what));
  }

  get name(): string {
    return this.tmp.name;
  }

  static async open(path: string, opts: OutputOptions = {}): Promise<ReplacingFile> {
    const dir = await ensureFolder(dirname(path));
    await removeStaleTemporaries(dir);
    const f = new ReplacingFile(resolve(path), opts.fs ?? nodeFs);
    track(f);
    return f;
  }

  write(chunk: string): Promise<void> | void {
    return this.tmp.write(chunk);
  }

  writeBytes(bytes: Uint8Array): Promise<void> | void {
    return this.tmp.writeBytes(bytes);
  }

  async commit(): Promise<void> {
    if (this.done) throw new Error(`${this.path} already committed or aborted`);
    try {
      await this.tmp.finish();
      await this.fs.rename(this.tmp.path, this.path);
    } catch (e) {
      await this.abort();
      throw writeFailure(e, this.path, `writing ${basename(this.path)}`);
    }
    this.done = true;
    untrack(this);
    await syncDir(this.fs, dirname(this.path)).catch(() => undefined);
  }

  async abort(): Promise<void> {
    if (this.done) return;
    this.done = true;
    await this.tmp.discard();
    await this.fs.unlink(this.tmp.path).catch(() => undefined);
    untrack(this);
  }

  cleanupSync(): void {
    if (this.done) return;
    this.tmp.discardSync();
    try {
      this.fs.removeTreeSync(this.tmp.path);
    } catch {
      /* gone */
    }
  }
}

/** Replace the file at `path` with `text` in one step (write beside it, fsync, rename). */
export async function writeReplacing(path: string, text: string, opts: OutputOptions = {}): Promise<void> {
  const f = await ReplacingFile.open(path, opts);
  try {
    await f.write(text);
  } catch (e) {
    await f.abort();
    throw e;
  }
  await f.commit();
}

const TEMPORARY = /^\.leadscore-(\d+)-[0-9a-f]+-.+\.tmp$/;

/**
 * Temporaries beside the outputs (link temporaries of a set, a ReplacingFile's temporary, or an older
 * version's per-file temporaries) left by a run that was killed outright (SIGKILL, power loss) are
 * removed by the next run in the same folder: those whose process is gone.
 */
export async function removeStaleTemporaries(dir: string): Promise<string[]> {
  const removed: string[] = [];
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    const m = TEMPORARY.exec(name);
    if (!m || pidAlive(Number(m[1]))) continue;
    try {
      await unlink(join(dir, name));
      removed.push(name);
    } catch {
      /* gone already */
    }
  }
  return removed;
}

/** An OutputFile on process.stdout (for '-' outputs). A closed pipe (EPIPE) ends writing quietly. */
export interface StdoutFile extends OutputFile {
  /** Flush buffered text; resolves when written (or when the pipe is gone). */
  end(): Promise<void>;
  /** True once the reader went away (EPIPE): the caller may stop producing output. */
  readonly closed: boolean;
}

export function stdoutFile(name = '-', stream: NodeJS.WritableStream = process.stdout): StdoutFile {
  let parts: string[] = [];
  let size = 0;
  let closed = false;
  let failure: Error | null = null;
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') closed = true;
    else failure ??= e;
  });
  const waitDrain = (): Promise<void> =>
    new Promise<void>((res) => {
      const done = (): void => {
        stream.off('drain', done);
        stream.off('error', done);
        stream.off('close', done);
        res();
      };
      stream.once('drain', done);
      stream.once('error', done);
      stream.once('close', done);
    });
  const flush = (): Promise<void> | void => {
    if (size === 0 || closed) {
      parts = [];
      size = 0;
      return;
    }
    const data = parts.join('');
    parts = [];
    size = 0;
    if (!stream.write(data)) return waitDrain();
  };
  return {
    name,
    get closed() {
      return closed;
    },
    write(chunk: string) {
      if (failure) throw failure;
      if (closed) return;
      parts.push(chunk);
      size += chunk.length;
      if (size >= BUFFER_BYTES) return flush();
    },
    writeBytes(bytes: Uint8Array) {
      return this.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8'));
    },
    async end() {
      await flush();
      if (failure) throw failure;
    },
  };
}
