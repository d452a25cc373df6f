// Turns the tokenizer's records into checked rows (field count, blank lines, field size), pure.
import { CR, type Tokenizer, type TokenizerSink } from './tokenizer.js';
import type { CsvBadRow, CsvRow } from './types.js';

/** Turns the tokenizer's records into checked rows, in batches (one per decoded chunk). */
export class RecordReader {
  private started = false;

  constructor(
    private readonly tok: Tokenizer,
    private readonly nextText: () => Promise<{ text: string; final: boolean } | null>,
    private readonly source: { close(): void },
    private readonly width: number,
    private readonly trailingDelimiter: boolean,
    private readonly maxFieldChars: number,
    public blank: number,
    private readonly preBad: CsvBadRow[],
    private readonly final: boolean,
  ) {}

  async *batches(onBadRow: (bad: CsvBadRow) => void): AsyncGenerator<CsvRow[]> {
    if (this.started) throw new Error('CsvFile.batches() can be iterated only once');
    this.started = true;
    const { tok, width, trailingDelimiter, maxFieldChars } = this;
    let rows: CsvRow[] = [];
    const sink: TokenizerSink = {
      record: (fields, raw, line, lines, longest) => {
        const n = fields.length;
        if (fields[0] === '' ? isBlank(fields) : n === 1 && width > 1 && isSpaces(raw)) {
          this.blank++;
          return;
        }
        if (n !== width && !(trailingDelimiter && n === width + 1 && fields[width] === '')) {
          if (lines > 1) {
            // a quoted field swallowed line ends and the count came out wrong: most likely an
            // unbalanced quote. Reject the first line only and re-read from the next one.
            tok.resyncRequested = true;
            onBadRow({
              line,
              reason: 'unbalanced_quote',
              message: `quoted field starting on line ${line} spans ${lines} lines and gives ${n} fields, header has ${width} (probably an unbalanced quote); reading resumes at line ${line + 1}`,
              raw: raw.slice(0, rawLineEnd(raw)),
            });
            return;
          }
          onBadRow({
            line,
            reason: 'wrong_field_count',
            message:
              trailingDelimiter && n === width + 1
                ? `row has a value in the unnamed last column (header ends with a delimiter)`
                : `row has ${n} fields, header has ${width}`,
            raw,
          });
          return;
        }
        if (longest > maxFieldChars) {
          onBadRow({ line, reason: 'field_too_large', message: `field longer than ${maxFieldChars} characters`, raw });
          return;
        }
        if (n > width) fields.pop();
        rows.push({ fields, line, raw });
      },
      bad: onBadRow,
    };
    try {
      for (const b of this.preBad) onBadRow(b);
      // the tokenizer paused after the header: process the rest of what it holds, then read on
      let last = this.final;
      tok.push('', last, sink);
      for (;;) {
        if (rows.length) {
          yield rows;
          rows = [];
        }
        if (last) break;
        const t = await this.nextText();
        if (!t) break;
        last = t.final;
        tok.push(t.text, last, sink);
      }
    } finally {
      this.source.close();
    }
  }
}

export function endsWithDelimiter(raw: string, delimiter: string): boolean {
  let e = raw.length;
  while (e > 0 && raw[e - 1] !== delimiter && raw[e - 1]!.trim() === '') e--;
  return e > 0 && raw[e - 1] === delimiter;
}

/** A line of spaces or tabs only (no delimiter, no quote) is blank too, unless the file has one column. */
export function isSpaces(raw: string): boolean {
  return raw.trim() === '';
}

export function isBlank(fields: string[]): boolean {
  for (let i = 0; i < fields.length; i++) if (fields[i] !== '') return false;
  return true;
}

function rawLineEnd(raw: string): number {
  const nl = raw.indexOf('\n');
  if (nl === -1) return raw.length;
  return nl > 0 && raw.charCodeAt(nl - 1) === CR ? nl - 1 : nl;
}
