// init's samples (the InitPorts of src/app/init.ts): the first rows of a CSV file, read with the CSV
// reader score uses.
import type { InitSample } from '../core/init/starter-model.js';
import type { ReadOptions } from '../app/ports.js';
import { CsvOpenError, openCsv } from './csv-reader.js';
import { InputError } from './errors.js';
import { csvOptions } from './inputs.js';

/** The first `limit` well-formed rows (malformed rows are skipped, as score would reject them). */
export async function readSample(path: string, limit: number, o: ReadOptions): Promise<InitSample> {
  let file;
  try {
    file = await openCsv(path, csvOptions(o));
  } catch (e) {
    if (e instanceof CsvOpenError) throw new InputError(e.code, e.message, path, undefined, 'give a readable CSV file whose first line names the columns');
    throw e;
  }
  const rows: string[][] = [];
  let truncated = false;
  try {
    outer: for await (const batch of file.batches(() => {})) {
      for (const r of batch) {
        if (rows.length >= limit) {
          truncated = true;
          break outer;
        }
        rows.push(r.fields);
      }
    }
  } catch (e) {
    if (e instanceof CsvOpenError) throw new InputError(e.code, e.message, path);
    throw e;
  } finally {
    file.close();
  }
  return { file: path === '-' ? 'stdin' : path, header: file.header, rows, truncated };
}
