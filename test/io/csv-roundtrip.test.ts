// Property tests: csvLine-written tables read back identically; the reader agrees with csv-parse.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { csvLine } from '../../src/io/csv-writer.js';
import { splitRecord } from '../../src/io/csv-reader.js';
import { readAll, tmpFile } from './csv-helpers.js';

const tricky = fc.constantFrom('a', 'b', 'Z', '1', ' ', ',', ';', '\t', '|', '"', '\n', '\r', '\r\n', 'ş', 'İ', '日', '😀', 'é', '=', '-');
const cell = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: tricky, maxLength: 8 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }) },
);
const table = fc.integer({ min: 1, max: 5 }).chain((cols) =>
  fc.record({
    cols: fc.constant(cols),
    rows: fc.array(fc.array(cell, { minLength: cols, maxLength: cols }), { maxLength: 15 }),
    chunkSize: fc.integer({ min: 1, max: 80 }),
  }),
);
const isBlank = (row: string[]): boolean => row.every((c) => c === '');

describe('CSV round trip (fast-check)', () => {
  it('csvLine-written tables read back to the same cells, lines and raw text', async () => {
    await fc.assert(
      fc.asyncProperty(table, async ({ cols, rows, chunkSize }) => {
        const header = Array.from({ length: cols }, (_, i) => `c${i}`);
        const written = rows.map((r) => csvLine(r, false));
        const path = tmpFile(csvLine(header, false) + written.join(''));
        const got = await readAll(path, { chunkSize });
        expect(got.bad).toEqual([]);
        expect(got.header).toEqual(header);
        const expected: { fields: string[]; line: number }[] = [];
        let line = 2;
        for (let i = 0; i < rows.length; i++) {
          if (!isBlank(rows[i]!)) expected.push({ fields: rows[i]!, line });
          line += written[i]!.split('\n').length - 1;
        }
        expect(got.rows.map((r) => ({ fields: r.fields, line: r.line }))).toEqual(expected);
        expect(got.blank).toBe(rows.length - expected.length);
        for (const r of got.rows) expect(splitRecord(r.raw, ',')).toEqual(r.fields);
      }),
      { numRuns: 300 },
    );
  });

  it('agrees with csv-parse on generated well-formed CSV', async () => {
    const csv = fc.record({
      t: table,
      delimiter: fc.constantFrom(',', ';', '\t', '|'),
      eol: fc.constantFrom('\n', '\r\n'),
      quoting: fc.constantFrom('minimal', 'all', 'lenient'),
      finalEol: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(csv, async ({ t, delimiter, eol, quoting, finalEol }) => {
        const enc = (v: string): string => {
          const special = v.includes(delimiter) || v.includes('\n') || v.includes('\r');
          const q = v.includes('"');
          const mustQuote = special || v.startsWith('"') || (q && quoting !== 'lenient');
          return quoting === 'all' || mustQuote ? `"${v.replaceAll('"', '""')}"` : v;
        };
        const header = Array.from({ length: t.cols }, (_, i) => `h${i}`);
        const text = [header, ...t.rows].map((r) => r.map(enc).join(delimiter)).join(eol) + (finalEol ? eol : '');
        const theirs = (parse(text, { delimiter, record_delimiter: eol, relax_quotes: true, skip_empty_lines: true }) as string[][]).filter(
          (r) => !isBlank(r),
        );
        const ours = await readAll(tmpFile(text), { delimiter, chunkSize: t.chunkSize });
        expect(ours.bad).toEqual([]);
        expect([ours.header, ...ours.rows.map((r) => r.fields)]).toEqual(theirs);
      }),
      { numRuns: 300 },
    );
  });
});
