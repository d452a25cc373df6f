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
//
// The modules: output-set.ts (the run folder and its publication), replacing-file.ts (one file replaced
// by a rename), temp-file.ts (one file being written, the descriptor pool), output-folder.ts (the exit
// hook, folders, stale temporaries), output-failure.ts (LS108), stdout-file.ts ('-' outputs).
export type { FsPort } from './fs-port.js';
export { MAX_OPEN_OUTPUTS, type OutputFile, type OutputOptions } from './temp-file.js';
export { writeFailure, runFailure } from './output-failure.js';
export { STATE_DIR, linkTarget, OutputSet, type Outputs } from './output-set.js';
export { ReplacingFile, writeReplacing } from './replacing-file.js';
export { removeStaleTemporaries } from './output-folder.js';
export { stdoutFile, type StdoutFile } from './stdout-file.js';
