// The filesystem calls the output writer makes, behind one small interface (a port), so that a test can
// put a fault (ENOSPC, EIO, EISDIR, EMFILE, ...) or a pause at any single step of writing and
// publishing the outputs. `nodeFs` is the real one; `faultyFs` wraps a port and fails one chosen call.
import * as fs from 'node:fs';

export interface FsPort {
  open(path: string, flags: string, mode?: number): Promise<number>;
  /** Writes `length` bytes of `buf` from `offset` at file position `position`; returns bytes written. */
  write(fd: number, buf: Uint8Array, offset: number, length: number, position: number): Promise<number>;
  fsync(fd: number): Promise<void>;
  close(fd: number): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  link(existing: string, newPath: string): Promise<void>;
  symlink(target: string, path: string): Promise<void>;
  readlink(path: string): Promise<string>;
  mkdir(path: string): Promise<void>;
  /** 'file' | 'dir' | 'link' | 'other', or undefined when nothing is there. */
  kind(path: string): Promise<'file' | 'dir' | 'link' | 'other' | undefined>;
  readdir(path: string): Promise<string[]>;
  unlink(path: string): Promise<void>;
  /** Removes an empty folder (fails when something is in it). */
  rmdir(path: string): Promise<void>;
  rmdirSync(path: string): void;
  /** rm -rf (no error when missing). */
  removeTree(path: string): Promise<void>;
  /** Synchronous cleanup for signal and exit handlers. */
  closeSync(fd: number): void;
  removeTreeSync(path: string): void;
}

const cb =
  <T>(res: (v: T) => void, rej: (e: Error) => void) =>
  (e: Error | null, v?: T): void =>
    e ? rej(e) : res(v as T);

export const nodeFs: FsPort = {
  open: (path, flags, mode = 0o644) => new Promise((res, rej) => fs.open(path, flags, mode, cb(res, rej))),
  write: (fd, buf, offset, length, position) => new Promise((res, rej) => fs.write(fd, buf, offset, length, position, cb(res, rej))),
  fsync: (fd) => new Promise((res, rej) => fs.fsync(fd, cb(res, rej))),
  close: (fd) => new Promise((res, rej) => fs.close(fd, cb(res, rej))),
  rename: (a, b) => fs.promises.rename(a, b),
  link: (a, b) => fs.promises.link(a, b),
  symlink: (target, path) => fs.promises.symlink(target, path),
  readlink: (path) => fs.promises.readlink(path),
  mkdir: async (path) => {
    await fs.promises.mkdir(path);
  },
  kind: async (path) => {
    try {
      const st = await fs.promises.lstat(path);
      return st.isSymbolicLink() ? 'link' : st.isFile() ? 'file' : st.isDirectory() ? 'dir' : 'other';
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  },
  readdir: (path) => fs.promises.readdir(path),
  unlink: (path) => fs.promises.unlink(path),
  rmdir: (path) => fs.promises.rmdir(path),
  rmdirSync: (path) => fs.rmdirSync(path),
  removeTree: (path) => fs.promises.rm(path, { recursive: true, force: true }),
  closeSync: (fd) => fs.closeSync(fd),
  removeTreeSync: (path) => fs.rmSync(path, { recursive: true, force: true }),
};

/** The calls a fault can be put on: every step that creates, fills or publishes something. */
export const FAULT_STEPS = ['open', 'write', 'fsync', 'close', 'rename', 'link', 'symlink', 'mkdir'] as const;
export type FaultStep = (typeof FAULT_STEPS)[number];

export function errnoError(code: string, step: string, path = ''): NodeJS.ErrnoException {
  const messages: Record<string, string> = {
    ENOSPC: 'no space left on device',
    EIO: 'i/o error',
    EISDIR: 'illegal operation on a directory',
    EMFILE: 'too many open files',
    EACCES: 'permission denied',
  };
  const e = new Error(`${code}: ${messages[code] ?? 'error'}, ${step}${path ? ` '${path}'` : ''}`) as NodeJS.ErrnoException;
  e.code = code;
  e.syscall = step;
  return e;
}

/**
 * A port that records every fault-able call (step and path) in `calls`, and makes call number `failAt`
 * (0-based, counted over FAULT_STEPS calls) fail with `code`, or never settle when `code` is 'pause'
 * (`onPause` is told), for kill tests.
 */
export function faultyFs(
  base: FsPort,
  failAt = -1,
  code = 'EIO',
  onPause?: (step: FaultStep, path: string) => void,
): FsPort & { calls: { step: FaultStep; path: string }[] } {
  const calls: { step: FaultStep; path: string }[] = [];
  const fds = new Map<number, string>();
  const gate = <T>(step: FaultStep, path: string, go: () => Promise<T>): Promise<T> => {
    const k = calls.length;
    calls.push({ step, path });
    if (k === failAt) {
      if (code === 'pause') {
        onPause?.(step, path);
        return new Promise<T>(() => undefined);
      }
      return Promise.reject(errnoError(code, step, path));
    }
    return go();
  };
  return {
    ...base,
    calls,
    open: (path, flags, mode) =>
      gate('open', path, async () => {
        const fd = await base.open(path, flags, mode);
        fds.set(fd, path);
        return fd;
      }),
    write: (fd, buf, o, l, p) => gate('write', fds.get(fd) ?? String(fd), () => base.write(fd, buf, o, l, p)),
    fsync: (fd) => gate('fsync', fds.get(fd) ?? String(fd), () => base.fsync(fd)),
    close: (fd) =>
      gate('close', fds.get(fd) ?? String(fd), async () => {
        await base.close(fd);
        fds.delete(fd);
      }).catch(async (e) => {
        // a failed close still releases the descriptor (as close(2) does on Linux)
        await base.close(fd).catch(() => undefined);
        fds.delete(fd);
        throw e;
      }),
    rename: (a, b) => gate('rename', b, () => base.rename(a, b)),
    link: (a, b) => gate('link', b, () => base.link(a, b)),
    symlink: (t, p) => gate('symlink', p, () => base.symlink(t, p)),
    mkdir: (p) => gate('mkdir', p, () => base.mkdir(p)),
  };
}
