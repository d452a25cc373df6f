// Helpers shared by the commands: option parsers, model loading, terminal styling.
import chalk, { Chalk } from 'chalk';
import { InvalidArgumentError } from 'commander';
import { CliError, ExitCode } from './exit-codes.js';
import { parseTimestamp } from '../core/value.js';
import type { Diagnostic, Model } from '../core/model/types.js';
import type { InputError } from '../io/errors.js';
import type { RunWarning } from '../core/report/summary.js';
import { formatDiagnostic, printable, useColor } from './format.js';

const c = new Chalk({ level: useColor(process.stderr) ? chalk.level || 1 : 0 });

export const style = {
  bold: (s: string) => c.bold(s),
  warn: (s: string) => c.yellow(s),
  error: (s: string) => c.red(s),
  dim: (s: string) => c.dim(s),
  color: useColor(process.stderr),
};

/**
 * The files behind -l / -a arguments: folders become their input files, quoted globs are expanded
 * (src/io/input-paths.ts). Throws the InputError (LS160) of a folder or pattern without files.
 */
export async function inputFiles(args: readonly string[], role: string): Promise<string[]> {
  const { expandInputs } = await import('../io/input-paths.js');
  return expandInputs(args, role);
}

/** --delimiter and --encoding as the readers take them: `tab` is a tab; an empty value is not given. */
export function readOptions(o: { delimiter?: string; encoding?: string }): { delimiter?: string; encoding?: string } {
  return { ...(o.delimiter ? { delimiter: o.delimiter === 'tab' ? '\t' : o.delimiter } : {}), ...(o.encoding ? { encoding: o.encoding } : {}) };
}

/** The options given, without those given as an empty string (an empty value counts as not given). */
export function givenOptions<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== '')) as Partial<T>;
}

/**
 * A command's work, with an input problem (InputError: a missing column, an unreadable file, ...)
 * printed with `outcome` (what happened to the outputs) and turned into exit 3.
 */
export async function exitOnInputError(work: () => Promise<ExitCode>, outcome?: string): Promise<ExitCode> {
  const { InputError } = await import('../app/errors.js');
  try {
    return await work();
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    reportInputError(e, outcome);
    return ExitCode.data;
  }
}

/**
 * The files of -l and -a, expanded. Neither is a usage error (LS162): the leads are a leads file's, or
 * the lead ids of the activities.
 */
export async function leadInputs(leads: readonly string[] | undefined, activities: readonly string[]): Promise<{ leads: string[]; activities: string[] }> {
  const l = await inputFiles(leads ?? [], 'leads');
  const a = await inputFiles(activities, 'activities');
  if (l.length === 0 && a.length === 0) throw new CliError('give the leads (-l LEADS), or activity files (-a) to take the leads from', ExitCode.usage, 'LS162');
  return { leads: l, activities: a };
}

export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** A parser of a whole-number option of at least `min` (--seed, --folds, --bootstrap, --sample-rows, ...). */
export function wholeNumber(min: number, example?: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`expected a whole number of at least ${min}${example ? `, e.g. ${example}` : ''}`);
    return n;
  };
}

export function parseRate(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError('expected a share between 0 and 1, e.g. 0.05');
  return n;
}

/** --as-of: an ISO date or date-time (UTC unless an offset is given); default now. */
/** `--as-of latest`: as-of is the newest activity timestamp of the inputs (resolveAsOf). */
export function isLatest(value: string | undefined): boolean {
  return value !== undefined && value.trim().toLowerCase() === 'latest';
}

/**
 * --as-of as epoch ms: a date or date-time, now when absent, or with `latest` the newest activity
 * timestamp of the activity files (a first pass over them: src/io/newest-activity.ts).
 */
export async function resolveAsOf(value: string | undefined, model: Model, activities: readonly string[], o: { delimiter?: string; encoding?: string }): Promise<number> {
  if (!isLatest(value)) return parseAsOf(value);
  if (activities.length === 0) throw new CliError('--as-of latest takes as-of from the activities: give them with -a', ExitCode.usage, 'LS177');
  if (activities.includes('-')) throw new CliError('--as-of latest reads the activities twice: give files, not - (stdin)', ExitCode.usage, 'LS177');
  const { newestActivityMs } = await import('../io/newest-activity.js');
  return newestActivityMs(activities, model, o);
}

export function parseAsOf(value: string | undefined): number {
  if (value === undefined) return Date.now();
  const t = parseTimestamp(value.trim());
  if (Number.isNaN(t)) {
    throw new CliError(`--as-of "${value}" is not an ISO date or date-time (e.g. 2026-11-01 or 2026-11-01T06:00:00Z) or latest`, ExitCode.usage, 'LS130');
  }
  return t;
}

/** Where loadModelOrExit reports a model's diagnostics (text on stderr by default; score --log-format json: events). */
export interface ModelDiagnostics {
  warning(d: Diagnostic): void;
  error(d: Diagnostic): void;
  /** After the errors of an invalid model. */
  invalid?(path: string, errors: number): void;
}

const TEXT_DIAGNOSTICS: ModelDiagnostics = {
  warning: (d) => process.stderr.write(formatDiagnostic(d, { color: style.color }) + '\n'),
  error: (d) => process.stderr.write(formatDiagnostic(d, { color: style.color }) + '\n'),
  invalid: (path, errors) => process.stderr.write(`leadscore: the model ${path} is not valid (${errors} error(s)); nothing was written. Run: leadscore validate ${path}\n`),
};

/** Load and validate a model (the one loader of every command); report its diagnostics; undefined when it has errors. */
export async function loadModelOrExit(path: string, report: ModelDiagnostics = TEXT_DIAGNOSTICS): Promise<{ model: Model; sha256: string } | undefined> {
  const { loadModelFile } = await import('../io/model-file.js');
  const { result, sha256 } = await loadModelFile(path);
  for (const d of result.warnings) report.warning(d);
  if (result.errors.length || !result.value) {
    for (const d of result.errors) report.error(d);
    report.invalid?.(path, result.errors.length);
    return undefined;
  }
  return { model: result.value, sha256 };
}

/** An input error as `file:line error CODE message`, its hint, and what became of the outputs. */
export function reportInputError(e: InputError, outcome = 'the run stopped; previous outputs were left as they were.'): void {
  const where = e.file ? `${printable(e.file)}${e.line ? `:${e.line}` : ''} ` : '';
  // messages and hints quote header names and cells: escape what a terminal would act on
  process.stderr.write(`${where}${style.error('error')} ${e.code} ${printable(e.message)}\n`);
  if (e.hint) process.stderr.write(`  hint: ${printable(e.hint)}\n`);
  process.stderr.write(`leadscore: ${outcome}\n`);
}

export type ReportFormat = 'md' | 'json' | 'html';

/** --format md,json,html: which report files to write. */
export function parseFormats(value: string): Set<ReportFormat> {
  const out = new Set<ReportFormat>();
  for (const part of value.split(',').map((x) => x.trim().toLowerCase()).filter(Boolean)) {
    if (part !== 'md' && part !== 'json' && part !== 'html') throw new InvalidArgumentError(`unknown format "${part}": use md, json and/or html, e.g. --format md,json`);
    out.add(part);
  }
  if (out.size === 0) throw new InvalidArgumentError('give at least one of md, json, html');
  return out;
}

/** A run warning on stderr, as score prints it: `[file] warning CODE message` and its hint (evaluate, explain). */
export function printRunWarning(w: RunWarning): void {
  // control characters from the data (a lead id) are escaped, as in every diagnostic on the terminal
  process.stderr.write(`${w.model ? `${printable(w.model)}: ` : ''}${w.file ? `${printable(w.file)} ` : ''}${style.warn('warning')} ${w.code} ${printable(w.message)}\n${w.hint ? `  hint: ${printable(w.hint)}\n` : ''}`);
}
