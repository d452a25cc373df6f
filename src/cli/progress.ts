// The progress bar of long runs: on stderr, only when it is a terminal. Rows read, rows per second,
// the share of input bytes read and an ETA, redrawn at most every 100 ms on one line and cleared at
// the end, so that what is left on the screen is the summary. Not a TTY: nothing is drawn.
import { Chalk } from 'chalk';

export interface ProgressUpdate {
  file: string;
  bytesRead: number;
  totalBytes?: number;
  rows: number;
}

export interface ProgressSnapshot {
  /** The file read most recently. */
  file: string;
  rows: number;
  bytesRead: number;
  /** Sum of the sizes of every input whose size is known; undefined when none is (stdin). */
  totalBytes?: number;
  /** bytesRead / totalBytes in [0, 1], when the total is known. */
  share?: number;
  elapsedMs: number;
  rowsPerSecond: number;
  /** Seconds left at the current byte rate, when the share is known and above 0. */
  etaSeconds?: number;
}

/**
 * Folds the per-file progress reports of a run (which may interleave when files are read in
 * parallel) into totals over all inputs. `totals` are input sizes known up front (from stat), so that
 * the share counts files not opened yet.
 */
export class ProgressTracker {
  private readonly files = new Map<string, { bytesRead: number; totalBytes?: number; rows: number }>();
  private last = '';

  constructor(
    private readonly startMs: number,
    private readonly totals: Record<string, number> = {},
  ) {}

  update(p: ProgressUpdate): void {
    const known = p.totalBytes ?? this.totals[p.file];
    this.files.set(p.file, { bytesRead: p.bytesRead, rows: p.rows, ...(known !== undefined ? { totalBytes: known } : {}) });
    this.last = p.file;
  }

  snapshot(nowMs: number): ProgressSnapshot {
    let rows = 0;
    let bytesRead = 0;
    let total = 0;
    let anyTotal = false;
    const seen = new Set<string>();
    for (const [file, f] of this.files) {
      rows += f.rows;
      bytesRead += f.bytesRead;
      if (f.totalBytes !== undefined) {
        total += f.totalBytes;
        anyTotal = true;
      }
      seen.add(file);
    }
    for (const [file, size] of Object.entries(this.totals)) {
      if (seen.has(file)) continue;
      total += size;
      anyTotal = true;
    }
    const elapsedMs = Math.max(0, nowMs - this.startMs);
    const secs = elapsedMs / 1000;
    const snap: ProgressSnapshot = { file: this.last, rows, bytesRead, elapsedMs, rowsPerSecond: secs > 0 ? rows / secs : 0 };
    if (anyTotal && total > 0) {
      snap.totalBytes = total;
      snap.share = Math.min(1, bytesRead / total);
      if (snap.share > 0 && secs > 0) snap.etaSeconds = (secs * (1 - snap.share)) / snap.share;
    }
    return snap;
  }
}

export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** One line: `leads.csv ██████░░░░░░  48%  120,000 rows  51,200 rows/s  ETA 3s`, at most `width` characters. */
export function renderProgressLine(s: ProgressSnapshot, width: number, color: boolean): string {
  const c = new Chalk({ level: color ? 1 : 0 });
  const name = s.file.split(/[\\/]/).pop() || s.file;
  const stats = [`${formatCount(s.rows)} rows`, `${formatCount(s.rowsPerSecond)} rows/s`];
  if (s.etaSeconds !== undefined) stats.push(`ETA ${formatDuration(s.etaSeconds)}`);
  let bar = '';
  let pct = '';
  if (s.share !== undefined) {
    pct = `${String(Math.floor(s.share * 100)).padStart(3)}%`;
    const cells = Math.max(0, Math.min(30, width - name.length - pct.length - stats.join('  ').length - 8));
    if (cells >= 5) {
      const full = Math.round(s.share * cells);
      bar = c.cyan('█'.repeat(full)) + c.dim('░'.repeat(cells - full));
    }
  }
  const plain = [name, bar, pct, ...stats].filter(Boolean).join('  ');
  // The bar is sized to fit; without one (narrow terminal) the line holds no colour codes and is cut.
  return !bar && plain.length > width ? plain.slice(0, Math.max(0, width)) : plain;
}

/** What the bar needs of a stream (process.stderr, or a fake one in tests). */
export interface TtyLike {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressBarOptions {
  now?: () => number;
  /** Minimum time between two redraws (default 100 ms: at most 10 per second). */
  minIntervalMs?: number;
  color?: boolean;
  totals?: Record<string, number>;
}

const CLEAR_LINE = '\r\x1b[2K';

/** A one-line progress bar; draws only when the stream is a TTY (and TERM is not "dumb"). */
export class ProgressBar {
  readonly enabled: boolean;
  private readonly tracker: ProgressTracker;
  private readonly now: () => number;
  private readonly minIntervalMs: number;
  private readonly color: boolean;
  private lastDraw: number;
  private drawn = false;

  constructor(
    private readonly stream: TtyLike,
    o: ProgressBarOptions = {},
    env: Record<string, string | undefined> = process.env,
  ) {
    this.now = o.now ?? Date.now;
    this.enabled = !!stream.isTTY && env.TERM !== 'dumb';
    this.minIntervalMs = o.minIntervalMs ?? 100;
    this.color = !!o.color;
    this.tracker = new ProgressTracker(this.now(), o.totals);
    this.lastDraw = this.now(); // the first frame after one interval: short runs never flash a bar
  }

  update(p: ProgressUpdate): void {
    if (!this.enabled) return;
    this.tracker.update(p);
    const t = this.now();
    if (t - this.lastDraw < this.minIntervalMs) return;
    this.lastDraw = t;
    const width = Math.max(20, (this.stream.columns ?? 80) - 1);
    this.stream.write(CLEAR_LINE + renderProgressLine(this.tracker.snapshot(t), width, this.color));
    this.drawn = true;
  }

  /** Remove the bar (before the summary or an error is printed). */
  clear(): void {
    if (this.drawn) this.stream.write(CLEAR_LINE);
    this.drawn = false;
  }
}
