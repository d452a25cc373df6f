// Opening an input CSV (the InputFiles port of src/app/ports.ts): a file that cannot be opened is an
// InputError naming its role. Finding the columns a command needs is src/app/columns.ts.
import { CsvOpenError, type CsvFile, openCsv } from './csv-reader.js';
import { InputError } from '../app/errors.js';
import type { InputFiles, ReadOptions } from '../app/ports.js';
import type { InputCopies } from './input-copies.js';

export { missingColumn, requireColumn } from '../app/columns.js';

/** --delimiter and --encoding (the ReadOptions of the ports). */
export interface InputOptions extends ReadOptions {
  /** A score run's copies of stdin and of files not in UTF-8 (inputs are then opened through them). */
  copies?: InputCopies;
}

/** --delimiter and --encoding as openCsv takes them. */
export const csvOptions = (o: ReadOptions): ReadOptions => ({ ...(o.delimiter ? { delimiter: o.delimiter } : {}), ...(o.encoding ? { encoding: o.encoding } : {}) });

/** openCsv, with a file that cannot be opened turned into an InputError (exit 3) naming its role. */
export async function openInput(path: string, role: string, o: InputOptions): Promise<CsvFile> {
  try {
    return await (o.copies ? o.copies.open(path, o) : openCsv(path, csvOptions(o)));
  } catch (e) {
    if (e instanceof CsvOpenError) throw new InputError(e.code, `${role} file: ${e.message}`, path);
    throw e;
  }
}

/** The InputFiles port of the use cases (src/app/ports.ts), on Node files and stdin. */
export const nodeInputFiles: InputFiles = { open: openInput };
