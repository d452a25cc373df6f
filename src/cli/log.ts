// What a run tells its operator on stderr, in one of two formats:
//   text (default): a progress bar when stderr is a TTY, human-readable errors; nothing animated and no
//         colour when stderr is not a TTY or NO_COLOR is set. The summary itself goes to stdout.
//   json: one JSON object per line, {"ts","level","event",...fields}, for log collectors (journald,
//         Loki, CloudWatch, Datadog): events start, progress (at most every few seconds), done,
//         reject_summary, warning, error. No bar, no colour.
// --quiet keeps errors only (text or JSON).
import { statSync } from 'node:fs';
import chalk, { Chalk } from 'chalk';
import type { Diagnostic } from '../core/model/types.js';
import type { Model } from '../core/model/types.js';
import { useColor } from './format.js';
import { ProgressBar, ProgressTracker, type ProgressUpdate, type TtyLike } from './progress.js';

export type LogFormat = 'text' | 'json';
export const LOG_FORMATS: readonly LogFormat[] = ['text', 'json'];

export type LogLevel = 'info' | 'warn' | 'error';

export interface ErrorEvent {
  code?: string;
  message: string;
  file?: string;
  line?: number;
  col?: number;
  hint?: string;
  exit_code: number;
}

export interface Reporter {
  readonly format: LogFormat;
  /** Colour for text written to stderr. */
  readonly color: boolean;
  start(fields: Record<string, unknown>): void;
  progress(p: ProgressUpdate): void;
  done(fields: Record<string, unknown>): void;
  rejectSummary(fields: Record<string, unknown>): void;
  /** A model diagnostic of severity warning (JSON only: text mode prints diagnostics itself). */
  warning(fields: Record<string, unknown>): void;
  /** JSON: an error event; text: nothing (the caller prints its located message). */
  error(e: ErrorEvent): void;
  /** Remove the progress bar, before anything else is printed. */
  clear(): void;
}

export interface ReporterOptions {
  format: LogFormat;
  quiet?: boolean;
  stream?: TtyLike;
  env?: Record<string, string | undefined>;
  now?: () => number;
  /** Minimum time between two JSON progress events (default 5 s). */
  progressEveryMs?: number;
  /** Input sizes known up front, for the share of bytes read. */
  totals?: Record<string, number>;
}

/** Colour on a stream: the CLI's one rule (format.ts useColor). */
export const colorFor: (stream: TtyLike, env?: Record<string, string | undefined>) => boolean = useColor;

export interface Style {
  bold(s: string): string;
  warn(s: string): string;
  error(s: string): string;
  dim(s: string): string;
  color: boolean;
}

/** Terminal styling for one stream; `enabled: false` gives plain text. */
export function styleFor(stream: TtyLike, enabled = true, env: Record<string, string | undefined> = process.env): Style {
  const on = enabled && colorFor(stream, env);
  const c = new Chalk({ level: on ? chalk.level || 1 : 0 });
  return { bold: (s) => c.bold(s), warn: (s) => c.yellow(s), error: (s) => c.red(s), dim: (s) => c.dim(s), color: on };
}

export function createReporter(o: ReporterOptions): Reporter {
  const stream = o.stream ?? process.stderr;
  const env = o.env ?? process.env;
  const now = o.now ?? Date.now;
  const quiet = !!o.quiet;
  if (o.format === 'json') {
    const line = (level: LogLevel, event: string, fields: Record<string, unknown>) => {
      stream.write(JSON.stringify({ ts: new Date(now()).toISOString(), level, event, ...fields }) + '\n');
    };
    const every = o.progressEveryMs ?? 5000;
    const tracker = new ProgressTracker(now(), o.totals);
    let lastProgress = now();
    return {
      format: 'json',
      color: false,
      start: (f) => !quiet && line('info', 'start', f),
      progress: (p) => {
        if (quiet) return;
        tracker.update(p);
        const t = now();
        if (t - lastProgress < every) return;
        lastProgress = t;
        const s = tracker.snapshot(t);
        line('info', 'progress', {
          file: s.file, rows: s.rows, bytes_read: s.bytesRead,
          ...(s.totalBytes !== undefined ? { total_bytes: s.totalBytes, share: round(s.share ?? 0, 4) } : {}),
          rows_per_s: Math.round(s.rowsPerSecond),
          ...(s.etaSeconds !== undefined ? { eta_s: Math.round(s.etaSeconds) } : {}),
          elapsed_ms: s.elapsedMs,
        });
      },
      done: (f) => !quiet && line('info', 'done', f),
      rejectSummary: (f) => !quiet && line('warn', 'reject_summary', f),
      warning: (f) => !quiet && line('warn', 'warning', f),
      error: (e) => line('error', 'error', { ...e }),
      clear: () => {},
    };
  }
  const color = colorFor(stream, env);
  const bar = quiet ? undefined : new ProgressBar(stream, { now, color, ...(o.totals ? { totals: o.totals } : {}) }, env);
  return {
    format: 'text',
    color,
    start: () => {},
    progress: (p) => bar?.update(p),
    done: () => bar?.clear(),
    rejectSummary: () => {},
    warning: () => {},
    error: () => bar?.clear(),
    clear: () => bar?.clear(),
  };
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export function diagnosticEvent(d: Diagnostic): Record<string, unknown> {
  return {
    code: d.code, severity: d.severity, message: d.message,
    ...(d.file !== undefined ? { file: d.file } : {}), ...(d.line !== undefined ? { line: d.line } : {}),
    ...(d.col !== undefined ? { col: d.col } : {}), ...(d.path !== undefined ? { path: d.path } : {}),
    ...(d.hint !== undefined ? { hint: d.hint } : {}),
  };
}

/**
 * Load and validate a model, reporting its diagnostics in the run's log format: text through the
 * shared loader (file:line:col CODE message), JSON as warning / error events. Undefined when invalid.
 */
export async function loadModelLogged(path: string, log: Reporter): Promise<{ model: Model; sha256: string } | undefined> {
  const { loadModelOrExit } = await import('./shared.js');
  if (log.format === 'text') return loadModelOrExit(path);
  return loadModelOrExit(path, {
    warning: (d) => log.warning(diagnosticEvent(d)),
    error: (d) => log.error({ ...(diagnosticEvent(d) as Omit<ErrorEvent, 'exit_code'>), exit_code: 2 }),
  });
}

/** Sizes of the input files that exist (stdin "-" and unreadable files are left out). */
export function inputSizes(paths: readonly string[]): Record<string, number> {
  const out: Record<string, number> = Object.create(null) as Record<string, number>; // a file may be named __proto__
  for (const p of paths) {
    if (p === '-') continue;
    try {
      const st = statSync(p);
      if (st.isFile()) out[p] = st.size;
    } catch {
      // reported by the run itself
    }
  }
  return out;
}
