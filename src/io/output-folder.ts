// What the output writers share about folders: the exit hook that removes what a run was writing, the
// random part of temporary names, mkdir -p of OUTDIR (LS107), fsync of a folder, and the removal of
// temporaries left by killed runs.
import { access, mkdir, readdir, stat, unlink } from 'node:fs/promises';
import { constants } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { InputError } from './errors.js';
import { errnoError, type FsPort } from './fs-port.js';

// --- exit: whatever is being written is removed, the previous outputs stay -------------------------
// The CLI turns SIGINT/SIGTERM into process.exit(130/143) (src/cli/main.ts); io never ends the process
// itself. An exit of the process before commit() or abort() runs cleanupSync() of each live set.

export interface Cleanable {
  cleanupSync(): void;
}
const live = new Set<Cleanable>();
const onExit = (): void => {
  for (const x of [...live]) x.cleanupSync();
};
export function track(x: Cleanable): void {
  if (live.size === 0) process.on('exit', onExit);
  live.add(x);
}
export function untrack(x: Cleanable): void {
  live.delete(x);
  if (live.size === 0) process.off('exit', onExit);
}

export const hex = (): string => randomBytes(4).toString('hex');

/** mkdir -p for OUTDIR itself, with LS107 when it cannot be a writable folder. */
export async function ensureFolder(outDir: string): Promise<string> {
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

export async function mkdirIfMissing(fs: FsPort, path: string): Promise<void> {
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
export async function syncDir(fs: FsPort, dir: string): Promise<void> {
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

export function pidAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
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
