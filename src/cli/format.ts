// Terminal formatting of diagnostics, shared by every command:
//   models/b2b.yaml:14:9 error LS012 unknown operator "gretaer_than" in fit.rules[2].if (did you mean "gt"?)
//     hint: operators: equals, in, ...
import { Chalk } from 'chalk';
import type { Diagnostic } from '../core/model/types.js';

export interface FormatOptions {
  color?: boolean;
  /** Print the hint on an indented second line (default true). */
  hint?: boolean;
}

export function formatLocation(d: Pick<Diagnostic, 'file' | 'line' | 'col'>): string {
  if (d.file === undefined) return d.line !== undefined ? `${d.line}:${d.col ?? 1}` : '';
  return d.line !== undefined ? `${d.file}:${d.line}:${d.col ?? 1}` : d.file;
}

/**
 * Text from files (header names, cells, paths) made safe for a terminal: control characters (escape
 * sequences, NUL bytes of UTF-16 read as UTF-8, ...) are shown as \xHH / \uHHHH instead of being sent.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g, (ch) => {
    const n = ch.charCodeAt(0);
    return n < 0x100 ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`;
  });
}

export function formatDiagnostic(d: Diagnostic, opts: FormatOptions = {}): string {
  const c = new Chalk({ level: opts.color ? 1 : 0 });
  const loc = printable(formatLocation(d));
  const sev = d.severity === 'error' ? c.red.bold('error') : c.yellow.bold('warning');
  let out = `${loc ? c.bold(loc) + ' ' : ''}${sev} ${c.dim(d.code)} ${printable(d.message)}`;
  if (d.hint && opts.hint !== false) out += `\n  ${c.cyan('hint:')} ${printable(d.hint)}`;
  return out;
}

/** "2 errors, 1 warning" */
export function formatCounts(errors: number, warnings: number): string {
  const n = (k: number, word: string) => `${k} ${word}${k === 1 ? '' : 's'}`;
  return warnings ? `${n(errors, 'error')}, ${n(warnings, 'warning')}` : n(errors, 'error');
}

/**
 * Whether to colour output on this stream — the one rule for every command: a TTY, NO_COLOR unset (any
 * non-empty value turns colour off), TERM not dumb.
 */
export function useColor(stream: { isTTY?: boolean }, env: Record<string, string | undefined> = process.env): boolean {
  return !!stream.isTTY && !env['NO_COLOR'] && env['TERM'] !== 'dumb';
}
