// The diagnostic of a failure to write or publish outputs (LS108, exit 3): the previous outputs stay.
import { InputError } from './errors.js';

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
