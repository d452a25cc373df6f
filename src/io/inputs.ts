// Opening an input CSV and finding the columns a command needs: one place for the messages every
// command gives (the file, its header line, the closest column names).
import { CsvOpenError, type CsvFile, openCsv } from './csv-reader.js';
import { InputError } from './errors.js';
import { columnMatcher, columnNames } from '../core/columns.js';
import type { ColumnAlternatives } from '../core/model/types.js';
import { closest } from '../core/text.js';

export interface InputOptions {
  delimiter?: string;
  encoding?: string;
}

/** openCsv, with a file that cannot be opened turned into an InputError (exit 3) naming its role. */
export async function openInput(path: string, role: string, o: InputOptions): Promise<CsvFile> {
  try {
    return await openCsv(path, { ...(o.delimiter ? { delimiter: o.delimiter } : {}), ...(o.encoding ? { encoding: o.encoding } : {}) });
  } catch (e) {
    if (e instanceof CsvOpenError) throw new InputError(e.code, `${role} file: ${e.message}`, path);
    throw e;
  }
}

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
export function requireColumn(file: CsvFile, name: string, what: string, code = 'LS110', hint = '', alternatives?: ColumnAlternatives): number {
  const i = columnMatcher(file.header, alternatives)(name);
  if (i >= 0) return i;
  throw missingColumn(name, file.header, file.path, what, code, file.headerLine, hint, alternatives);
}
