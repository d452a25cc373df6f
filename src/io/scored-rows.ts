// The cells scored.csv (and the band files) add to each lead's record, and whether the record itself
// can be copied as bytes: shared by the writing loop of score-run.ts and the writer threads of the fast
// path (bytes/write-worker.ts), so that both write the same bytes.
import { csvCell } from './csv-writer.js';
import type { CsvFile } from './csv-reader.js';

export const NUMERIC_COLUMNS = new Set(['rank', 'score', 'fit', 'engagement', 'account_score', 'previous_score']);

/** The score cells of a scored.csv row, as csvLine writes them, without scanning the numbers. */
export function scoreCells(cells: readonly string[], numeric: readonly boolean[], guard: boolean): string {
  let out = '';
  for (let i = 0; i < cells.length; i++) {
    if (i > 0) out += ',';
    out += numeric[i] ? cells[i]! : csvCell(cells[i]!, guard);
  }
  return out + '\n';
}

/**
 * Whether a lead's record can be copied to scored.csv as it was read (its UTF-8 bytes): a
 * comma-delimited file, no quotes or line breaks, exactly the header's number of fields, and (with the
 * formula guard) no field starting like a formula. Otherwise it is split and written cell by cell.
 */
export function rawPassThrough(file: Pick<CsvFile, 'delimiter' | 'header'>, guard: boolean): (raw: Uint8Array) => boolean {
  if (file.delimiter !== ',') return () => false;
  const commas = file.header.length - 1;
  return (raw) => {
    let n = 0;
    let start = true;
    for (let k = 0; k < raw.length; k++) {
      const c = raw[k]!;
      if (c === 44) {
        n++;
        start = true;
        continue;
      }
      if (c === 34 || c === 13 || c === 10) return false;
      if (start) {
        // = + - @ TAB: the formula guard may have to change this cell
        if (guard && (c === 61 || c === 43 || c === 45 || c === 64 || c === 9)) return false;
        start = false;
      }
    }
    return n === commas;
  };
}

