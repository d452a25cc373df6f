// Reads just the header line of a CSV file, for `validate -l/-a` (the full reader is csv-reader.ts).
// Handles a UTF-8 BOM, gzip (.gz), CRLF, quoted names, and the delimiters , ; \t | (the one seen most
// often outside quotes in the first line).
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';

const DELIMITERS = [',', ';', '\t', '|'] as const;
const MAX_HEADER_BYTES = 1 << 20;

/** The column names of the first line of a CSV file, trimmed. Rejects when the file cannot be read. */
export async function readHeaderLine(path: string): Promise<string[]> {
  const line = await firstLine(path);
  return splitHeader(line);
}

async function firstLine(path: string): Promise<string> {
  const file = createReadStream(path);
  const stream = path.toLowerCase().endsWith('.gz') ? file.pipe(createGunzip()) : file;
  file.on('error', (err) => stream.destroy(err));
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      size += chunk.length;
      const text = Buffer.concat(chunks).toString('utf8');
      const end = lineEnd(text);
      if (end >= 0) return text.slice(0, end);
      if (size > MAX_HEADER_BYTES) break;
    }
  } finally {
    file.destroy();
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Index of the first line break outside quotes, or -1. */
function lineEnd(text: string): number {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '\n' || c === '\r')) return i;
  }
  return -1;
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
