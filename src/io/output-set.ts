// The set of outputs of a run (OutputSet): written into a fresh run folder OUTDIR/.leadscore/runs/<run>,
// published with one rename of the link .leadscore/current (see output.ts for the whole story).
import { basename, join } from 'node:path';
import { nodeFs, errnoError, type FsPort } from './fs-port.js';
import { writeFailure } from './output-failure.js';
import { BIG_BUFFER_FILES, BUFFER_BYTES, FdPool, SMALL_BUFFER_BYTES, TempFile, type OutputFile, type OutputOptions } from './temp-file.js';
import { ensureFolder, hex, mkdirIfMissing, pidAlive, removeStaleTemporaries, syncDir, track, untrack, type Cleanable } from './output-folder.js';

/** The hidden folder in OUTDIR that holds the run folders and the `current` link. */
export const STATE_DIR = '.leadscore';

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
