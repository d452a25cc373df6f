// Atomic outputs (PRODUCT.md §4): every output file is written to a temporary file inside OUTDIR (same
// filesystem), fsynced, and renamed into place only on commit(). On abort(), an error, SIGINT or SIGTERM
// the temporaries are removed and the previous outputs stay byte-identical.
import { createWriteStream, closeSync, fsync, close, unlinkSync, type WriteStream } from 'node:fs';
import { access, mkdir, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import { constants } from 'node:fs';
import { InputError } from './errors.js';
import { randomBytes } from 'node:crypto';
import { basename, join, resolve } from 'node:path';

/** Strings are encoded into a buffer of this many bytes, written when full. */
const BUFFER_BYTES = 1 << 20;
/** The stream accepts this much before asking the caller to wait for 'drain'. */
const STREAM_HIGH_WATER = 4 << 20;

export interface OutputFile {
  readonly name: string;
  /** Buffers `chunk`; returns a promise only when the underlying stream needs draining. */
  write(chunk: string): Promise<void> | void;
  /** Buffers bytes that are already UTF-8 (e.g. a record copied as it was read). */
  writeBytes(bytes: Uint8Array): Promise<void> | void;
}

class TempFile implements OutputFile {
  readonly tmpPath: string;
  readonly finalPath: string;
  private stream: WriteStream;
  private buf = Buffer.allocUnsafe(BUFFER_BYTES);
  private used = 0;
  private error: Error | null = null;
  private fd: number | null = null;
  closed = false;

  constructor(
    readonly name: string,
    outDir: string,
  ) {
    this.tmpPath = join(outDir, `.leadscore-${process.pid}-${randomBytes(4).toString('hex')}-${name}.tmp`);
    this.finalPath = join(outDir, name);
    this.stream = createWriteStream(this.tmpPath, { flags: 'wx', mode: 0o644, autoClose: false, highWaterMark: STREAM_HIGH_WATER });
    this.stream.on('open', (fd) => {
      this.fd = fd;
    });
    this.stream.on('error', (e) => {
      this.error ??= e;
    });
  }

  write(chunk: string): Promise<void> | void {
    if (this.error) throw this.error;
    if (this.closed) throw new Error(`output ${this.name} is already closed`);
    // Encoding each chunk straight into a byte buffer is cheaper than building a long string: a rope of
    // many small pieces costs more to flatten and encode at once than the pieces do one by one.
    if (chunk.length * 3 > this.buf.length - this.used) {
      if (chunk.length * 3 > BUFFER_BYTES) {
        const p = this.flush();
        const big = Buffer.from(chunk, 'utf8');
        const go = () => this.writeOut(big);
        return p ? p.then(go) : go();
      }
      const p = this.flush();
      if (p) return p.then(() => this.write(chunk));
    }
    this.used += this.buf.write(chunk, this.used, 'utf8');
  }

  writeBytes(bytes: Uint8Array): Promise<void> | void {
    if (this.error) throw this.error;
    if (this.closed) throw new Error(`output ${this.name} is already closed`);
    if (bytes.length > this.buf.length - this.used) {
      const p = this.flush();
      const go = (): Promise<void> | void => {
        if (bytes.length > this.buf.length) return this.writeOut(Buffer.from(bytes));
        this.buf.set(bytes, this.used);
        this.used += bytes.length;
      };
      return p ? p.then(go) : go();
    }
    this.buf.set(bytes, this.used);
    this.used += bytes.length;
  }

  private flush(): Promise<void> | void {
    if (this.used === 0) return;
    const data = this.buf.subarray(0, this.used);
    this.buf = Buffer.allocUnsafe(BUFFER_BYTES);
    this.used = 0;
    return this.writeOut(data);
  }

  private writeOut(data: Buffer): Promise<void> | void {
    if (this.stream.write(data)) return;
    return new Promise<void>((resolveDrain, reject) => {
      const onDrain = (): void => {
        this.stream.off('error', onError);
        resolveDrain();
      };
      const onError = (e: Error): void => {
        this.stream.off('drain', onDrain);
        reject(e);
      };
      this.stream.once('drain', onDrain);
      this.stream.once('error', onError);
    });
  }

  /** Flush, end, fsync and close the temporary file. */
  async finish(): Promise<void> {
    if (this.error) throw this.error;
    await this.flush();
    await new Promise<void>((res, rej) => {
      if (this.error) return rej(this.error);
      this.stream.once('error', rej);
      this.stream.end(() => {
        this.stream.off('error', rej);
        res();
      });
    });
    if (this.error) throw this.error;
    const fd = this.fd ?? (this.stream as unknown as { fd: number | null }).fd;
    if (fd !== null && fd !== undefined) {
      await new Promise<void>((res, rej) => fsync(fd, (e) => (e ? rej(e) : res())));
      await new Promise<void>((res, rej) => close(fd, (e) => (e ? rej(e) : res())));
      this.forgetStreamFd();
    }
    this.fd = null;
    this.closed = true;
  }

  /**
   * The descriptor was closed here: the stream must not close it again later (destroy() closes its
   * fd whatever autoClose says), since by then the number may belong to another open file.
   */
  private forgetStreamFd(): void {
    (this.stream as unknown as { fd: number | null }).fd = null;
  }

  /** Synchronous cleanup for signal/exit handlers: close the descriptor and unlink the temporary. */
  discardSync(): void {
    if (this.discarded) return;
    this.discarded = true;
    this.closed = true;
    const fd = this.fd ?? (this.stream as unknown as { fd: number | null }).fd;
    if (fd !== null && fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        /* already closed */
      }
      this.fd = null;
      this.forgetStreamFd();
    }
    this.stream.destroy();
    try {
      unlinkSync(this.tmpPath);
    } catch {
      /* not created yet or already gone */
    }
  }

  private discarded = false;

  async discard(): Promise<void> {
    if (this.discarded) return;
    this.closed = true;
    // wait for the open (if pending) so that the file can be removed after it exists
    if (this.fd === null && !this.error && this.stream.pending) {
      await new Promise<void>((res) => {
        this.stream.once('open', () => res());
        this.stream.once('error', () => res());
        this.stream.once('close', () => res());
      });
    }
    this.discardSync();
    try {
      await unlink(this.tmpPath);
    } catch {
      /* gone */
    }
  }
}

/** A set of outputs committed together (OutputSet) or thrown away (OutputSet.discarding()). */
export interface Outputs {
  file(name: string): OutputFile;
  /** A scratch file path in the output folder, removed with the temporaries (undefined: no folder). */
  scratch(name: string): string | undefined;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

export class OutputSet implements Outputs {
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
  private state: 'open' | 'committed' | 'aborted' = 'open';
  private readonly onExit = (): void => this.cleanupSync();

  private constructor(readonly outDir: string) {}

  /**
   * mkdir -p outDir; until commit or abort, an exit of the process (also the exit 130/143 that the CLI
   * makes of SIGINT/SIGTERM) removes this set's temporaries.
   */
  static async create(outDir: string): Promise<OutputSet> {
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
    await removeStaleTemporaries(dir);
    const set = new OutputSet(dir);
    process.on('exit', set.onExit);
    return set;
  }

  /** The output `name` (a plain file name inside outDir); the same name returns the same file. */
  file(name: string): OutputFile {
    if (this.state !== 'open') throw new Error(`output set already ${this.state}`);
    if (name !== basename(name) || name === '' || name === '.' || name === '..') {
      throw new Error(`output name must be a plain file name: ${JSON.stringify(name)}`);
    }
    let f = this.files.get(name);
    if (!f) {
      f = new TempFile(name, this.outDir);
      this.files.set(name, f);
    }
    return f;
  }

  private scratchPaths: string[] = [];

  /**
   * A path for a scratch file in outDir (e.g. rejects spilled by a worker thread), created by the caller
   * and removed with the temporaries: on commit, abort, SIGINT or SIGTERM.
   */
  scratch(name: string): string {
    const p = join(this.outDir, `.leadscore-${process.pid}-${randomBytes(4).toString('hex')}-${name}.tmp`);
    this.scratchPaths.push(p);
    return p;
  }

  private removeScratchSync(): void {
    for (const p of this.scratchPaths) {
      try {
        unlinkSync(p);
      } catch {
        /* never created, or gone */
      }
    }
    this.scratchPaths = [];
  }

  /** Temporary paths currently held (for tests and diagnostics). */
  temporaries(): string[] {
    return [...this.files.values()].map((f) => f.tmpPath);
  }

  /** End and fsync every file, then rename each into place (all written before any rename). */
  async commit(): Promise<void> {
    if (this.state !== 'open') throw new Error(`output set already ${this.state}`);
    try {
      for (const f of this.files.values()) await f.finish();
    } catch (e) {
      await this.abort();
      throw e;
    }
    const files = [...this.files.values()];
    try {
      for (const f of files) await rename(f.tmpPath, f.finalPath);
    } catch (e) {
      await this.abort();
      throw e;
    }
    this.state = 'committed';
    this.removeScratchSync();
    this.uninstall();
    await syncDir(this.outDir);
  }

  /** Close and unlink every temporary; previous outputs are untouched. Safe to call twice. */
  async abort(): Promise<void> {
    if (this.state === 'committed') return;
    this.state = 'aborted';
    for (const f of this.files.values()) await f.discard();
    this.removeScratchSync();
    this.uninstall();
  }

  private cleanupSync(): void {
    if (this.state === 'committed') return;
    for (const f of this.files.values()) f.discardSync();
    this.removeScratchSync();
  }

  private uninstall(): void {
    process.off('exit', this.onExit);
  }
}

const TEMPORARY = /^\.leadscore-(\d+)-[0-9a-f]+-.+\.tmp$/;

/**
 * Temporaries left by a run that was killed outright (SIGKILL, power loss) are removed by the next run
 * in the same folder: those whose process is gone. A run still going (its pid alive) keeps its own.
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
    if (!m) continue;
    const pid = Number(m[1]);
    let alive = pid === process.pid;
    if (!alive) {
      try {
        process.kill(pid, 0);
        alive = true;
      } catch (e) {
        alive = (e as NodeJS.ErrnoException).code === 'EPERM';
      }
    }
    if (alive) continue;
    try {
      await unlink(join(dir, name));
      removed.push(name);
    } catch {
      /* gone already */
    }
  }
  return removed;
}

async function syncDir(dir: string): Promise<void> {
  // best effort: make the renames durable (not supported on every platform)
  try {
    const h = await open(dir, 'r');
    try {
      await h.sync();
    } finally {
      await h.close();
    }
  } catch {
    /* ignore */
  }
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
