// One output file being written (TempFile), buffered and written with positional writes, and the pool of
// descriptors a set of them shares (FdPool): at most MAX_OPEN_OUTPUTS open at once. The files of a run
// folder (output-set.ts) and a ReplacingFile's temporary (replacing-file.ts) are TempFiles.
import { InputError } from './errors.js';
import { errnoError, type FsPort } from './fs-port.js';

/** A file's buffer grows up to this many bytes before it is written out (the first files of a set). */
export const BUFFER_BYTES = 1 << 20;
/** ...and up to this many for files beyond the first BIG_BUFFER_FILES (e.g. thousands of band files). */
export const SMALL_BUFFER_BYTES = 64 << 10;
export const BIG_BUFFER_FILES = 16;
/** At most this many output descriptors are open at once; others are closed and reopened as needed. */
export const MAX_OPEN_OUTPUTS = 32;

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

/** Open descriptors of a set's files, least recently used first; at most `max` at once. */
export class FdPool {
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
export class TempFile implements OutputFile {
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
