// The writing side of score: the score cells of a row, a record copied as bytes when it can be, rejects.csv
// as it grows, and the spill files of worker threads appended in order.
import { createReadStream } from 'node:fs';
import { csvCell, csvLine } from './csv-writer.js';
import type { OutputFile } from './output.js';

/** The score cells of a scored.csv row, as csvLine writes them, without scanning the numbers. */
export function scoreCells(cells: readonly string[], numeric: readonly boolean[], guard: boolean, keys: readonly boolean[] = []): string {
  let out = '';
  for (let i = 0; i < cells.length; i++) {
    if (i > 0) out += ',';
    out += numeric[i] ? cells[i]! : csvCell(cells[i]!, guard && !keys[i]);
  }
  return out + '\n';
}

/** Collects rejects into rejects.csv as they happen and counts them per file. */
export class Rejects {
  count = 0;
  constructor(
    readonly out: OutputFile,
    private readonly guard: boolean,
  ) {}
  add(source: string, line: number, reason: string, detail: string, raw: string): Promise<void> | void {
    this.count++;
    return this.out.write(csvLine([source, String(line), reason, detail, raw], this.guard));
  }
}

/**
 * Whether a lead's record can be copied to scored.csv as it was read (its UTF-8 bytes): a
 * comma-delimited file, no quotes or line breaks, exactly the header's number of fields, and (with the
 * formula guard) no field starting like a formula. Otherwise it is split and written cell by cell.
 */
export function rawPassThrough(file: { delimiter: string; header: readonly string[] }, guard: boolean, keys: readonly boolean[] = []): (raw: Uint8Array) => boolean {
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
        // = + - @ TAB: the formula guard may have to change this cell (never a join key's: docs/input.md)
        if (guard && (c === 61 || c === 43 || c === 45 || c === 64 || c === 9) && !keys[n]) return false;
        start = false;
      }
    }
    return n === commas;
  };
}

/** One row of scored.csv (or a band or crossed file): the record's bytes or its re-written cells, then the score cells. */
export function writeRow(out: OutputFile, raw: Uint8Array, head: string | undefined, tail: string): Promise<void> | void {
  if (head !== undefined) return out.write(head + tail);
  const p = out.writeBytes(raw);
  if (p) return p.then(() => out.write(',' + tail));
  return out.write(',' + tail);
}

/** Copy a spill file (rejects.csv lines written by a worker) into an output, in order. */
export async function appendFile(out: OutputFile, path: string): Promise<void> {
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      const p = out.write(chunk);
      if (p) await p;
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}
