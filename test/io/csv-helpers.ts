import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCsv, type CsvBadRow, type CsvReaderOptions, type CsvRow } from '../../src/io/csv-reader.js';

const dir = mkdtempSync(join(tmpdir(), 'leadscore-io-test-'));
let n = 0;

/** Write `content` (text as UTF-8, or raw bytes) to a fresh temporary file and return its path. */
export function tmpFile(content: string | Uint8Array, suffix = '.csv'): string {
  const p = join(dir, `f${++n}${suffix}`);
  writeFileSync(p, content);
  return p;
}

export interface ReadResult {
  header: string[];
  delimiter: string;
  encoding: string;
  rows: CsvRow[];
  bad: CsvBadRow[];
  blank: number;
}

export async function readAll(path: string, opts?: CsvReaderOptions): Promise<ReadResult> {
  const f = await openCsv(path, opts);
  const rows: CsvRow[] = [];
  const bad: CsvBadRow[] = [];
  for await (const batch of f.batches((b) => bad.push(b))) rows.push(...batch);
  return { header: f.header, delimiter: f.delimiter, encoding: f.encoding, rows, bad, blank: f.blankLines() };
}

/** Read the same text with several chunk sizes (1 byte upwards) and check that all agree; return the first. */
export async function readEveryChunking(content: string | Uint8Array, opts: CsvReaderOptions = {}): Promise<ReadResult> {
  const p = tmpFile(content);
  const results: ReadResult[] = [];
  for (const chunkSize of [1, 2, 3, 5, 7, 16, 64 * 1024]) results.push(await readAll(p, { ...opts, chunkSize }));
  const first = results[0]!;
  for (const r of results.slice(1)) {
    if (JSON.stringify(r) !== JSON.stringify(first)) {
      throw new Error(`chunking changed the result:\n${JSON.stringify(first)}\n${JSON.stringify(r)}`);
    }
  }
  return first;
}
