// One file replaced by a single rename of a temporary written beside it (train's and init's model).
import { basename, dirname, join, resolve } from 'node:path';
import { nodeFs, type FsPort } from './fs-port.js';
import { writeFailure } from './output-failure.js';
import { BUFFER_BYTES, FdPool, TempFile, type OutputFile, type OutputOptions } from './temp-file.js';
import { ensureFolder, hex, removeStaleTemporaries, syncDir, track, untrack, type Cleanable } from './output-folder.js';

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
