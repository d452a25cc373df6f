// Finding the columns a command needs in an input's header: one place for the messages every command
// gives (the file, its header line, the closest column names). Pure.
import { columnMatcher, columnNames } from '../core/columns.js';
import type { ColumnAlternatives } from '../core/model/types.js';
import { closest } from '../core/text.js';
import { InputError } from './errors.js';
import type { RecordFile } from './ports.js';

/**
 * The error for a column a command needs that is not in a header: the closest names as the hint. With
 * alternatives, every name is listed (none of them is in the header).
 */
export function missingColumn(name: string, header: readonly string[], file: string, what: string, code = 'LS110', line = 1, hint = '', alternatives?: ColumnAlternatives): InputError {
  const names = columnNames(name, alternatives);
  const near = [...new Set(names.flatMap((n) => closest(n, header)))].slice(0, 3);
  return new InputError(
    code,
    `required column ${names.map((n) => `"${n}"`).join(' or ')} (${what}) is not in the header`,
    file,
    line,
    near.length ? `closest columns: ${near.map((n) => `"${n}"`).join(', ')}${hint}` : `columns are: ${header.join(', ')}`,
  );
}

/**
 * The index of a column the command needs (matched after trimming and case-folding; with alternatives,
 * the first of its names the header has), or an InputError.
 */
export function requireColumn(file: Pick<RecordFile, 'header' | 'path' | 'headerLine'>, name: string, what: string, code = 'LS110', hint = '', alternatives?: ColumnAlternatives): number {
  const i = columnMatcher(file.header, alternatives)(name);
  if (i >= 0) return i;
  throw missingColumn(name, file.header, file.path, what, code, file.headerLine, hint, alternatives);
}
