// Reads just the header of a CSV file, for `validate -l/-a`, with the same reader as `score`
// (csv-reader.ts): BOMs and UTF-16, gzip (detected from the bytes), blank lines before the header, CRLF,
// quoted names, the same delimiter detection, and a trailing delimiter dropped. splitHeader splits one
// header line on its own (the most frequent of , ; \t | outside quotes).
import { stat } from 'node:fs/promises';
import { CsvOpenError, openCsv } from './csv-reader.js';

const DELIMITERS = [',', ';', '\t', '|'] as const;

/**
 * The column names of a CSV file's header, trimmed, as `score` reads them. Rejects when the file cannot
 * be read (a missing file with code ENOENT), is empty, or has duplicate column names.
 */
export async function readHeaderLine(path: string, opts: { encoding?: string; delimiter?: string } = {}): Promise<string[]> {
  await stat(path); // ENOENT and EACCES as they are
  try {
    const file = await openCsv(path, opts);
    file.close();
    return file.header;
  } catch (e) {
    if (e instanceof CsvOpenError) throw new Error(`${e.code} ${e.message}`);
    throw e;
  }
}

/** Split one header line: strip a BOM, detect the delimiter, unquote ("" is a quote), trim. */
export function splitHeader(line: string): string[] {
  const text = line.charCodeAt(0) === 0xfeff ? line.slice(1) : line;
  if (text.trim() === '') return [];
  const counts = new Map<string, number>(DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (const c of text) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && counts.has(c)) counts.set(c, (counts.get(c) as number) + 1);
  }
  let delimiter: string = ',';
  for (const d of DELIMITERS) if ((counts.get(d) as number) > (counts.get(delimiter) as number)) delimiter = d;
  const out: string[] = [];
  let cell = '';
  quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === delimiter) {
      out.push(cell.trim());
      cell = '';
    } else cell += c;
  }
  out.push(cell.trim());
  return out;
}
