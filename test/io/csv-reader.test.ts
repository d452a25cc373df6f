import { describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { columnIndex, CsvOpenError, detectDelimiter, openCsv, splitRecord } from '../../src/io/csv-reader.js';
import { readAll, readEveryChunking, tmpFile } from './csv-helpers.js';

const fields = (r: { rows: { fields: string[] }[] }): string[][] => r.rows.map((x) => x.fields);
const lines = (r: { rows: { line: number }[] }): number[] => r.rows.map((x) => x.line);

describe('delimiter detection', () => {
  it.each([
    [',', 'id,name,city\n1,Ada,Oslo\n2,Bob,Rome\n'],
    [';', 'id;name;amount\n1;Ada;1,5\n2;Bob;2,75\n'],
    ['\t', 'id\tname\tnote\n1\tAda\ta, b; c\n2\tBob\tx\n'],
    ['|', 'id|name|note\n1|Ada|a,b\n2|Bob|c;d\n'],
  ])('detects %j', async (d, text) => {
    const r = await readEveryChunking(text);
    expect(r.delimiter).toBe(d);
    expect(r.header).toEqual(['id', 'name', text.startsWith('id,') ? 'city' : text.includes('amount') ? 'amount' : 'note']);
    expect(r.rows).toHaveLength(2);
    expect(r.bad).toEqual([]);
  });

  it('counts only outside quotes and falls back to comma on a tie', () => {
    expect(detectDelimiter('"a;b;c",d\n"x;y;z",w\n')).toBe(',');
    expect(detectDelimiter('a;b,c\n1;2,3\n')).toBe(',');
    expect(detectDelimiter('single\nvalue\n')).toBe(',');
  });

  it('prefers the most consistent delimiter', () => {
    // commas appear in the header but not consistently; semicolons are on every line
    expect(detectDelimiter('name;note, extra;x\n1;a;b\n2;c;d\n3;e;f\n')).toBe(';');
  });

  it('an explicit delimiter wins', async () => {
    const r = await readAll(tmpFile('a;b,c\n1;2,3\n'), { delimiter: ';' });
    expect(r.header).toEqual(['a', 'b,c']);
  });
});

describe('encodings', () => {
  it('strips a UTF-8 BOM from the header', async () => {
    const r = await readEveryChunking(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('id,name\n1,Çağla\n')]));
    expect(r.header).toEqual(['id', 'name']);
    expect(fields(r)).toEqual([['1', 'Çağla']]);
    expect(r.encoding).toBe('utf-8');
  });

  it('decodes windows-1254 bytes', async () => {
    // "title\nŞirket Müdürü;İğdır ılık\n" in windows-1254, written byte by byte
    const bytes = [
      ...Buffer.from('title;city\n', 'latin1'),
      0xde, ...Buffer.from('irket M', 'latin1'), 0xfc, ...Buffer.from('d', 'latin1'), 0xfc, ...Buffer.from('r', 'latin1'), 0xfc,
      0x3b, 0xdd, 0xf0, ...Buffer.from('d', 'latin1'), 0xfd, ...Buffer.from('r ', 'latin1'), 0xfd, ...Buffer.from('l', 'latin1'), 0xfd, ...Buffer.from('k\n', 'latin1'),
    ];
    const r = await readEveryChunking(Uint8Array.from(bytes), { encoding: 'windows-1254' });
    expect(r.encoding).toBe('windows-1254');
    expect(r.delimiter).toBe(';');
    expect(fields(r)).toEqual([['Şirket Müdürü', 'İğdır ılık']]);
  });

  it('switches to UTF-16 LE on its BOM (chunks may split code units)', async () => {
    const text = 'id,name\r\n1,"Zoë, Ş"\r\n2,日本\r\n';
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const r = await readEveryChunking(bytes);
    expect(r.encoding).toBe('utf-16le');
    expect(r.header).toEqual(['id', 'name']);
    expect(fields(r)).toEqual([['1', 'Zoë, Ş'], ['2', '日本']]);
  });

  it('rejects an unknown encoding label', async () => {
    await expect(openCsv(tmpFile('a\n1\n'), { encoding: 'klingon-8' })).rejects.toMatchObject({ code: 'LS105' });
  });
});

describe('records', () => {
  it('reads CRLF and LF, with exact line numbers and raw text', async () => {
    const r = await readEveryChunking('a,b\r\n1,2\r\n3,4\n5,6');
    expect(fields(r)).toEqual([['1', '2'], ['3', '4'], ['5', '6']]);
    expect(lines(r)).toEqual([2, 3, 4]);
    expect(r.rows.map((x) => x.raw)).toEqual(['1,2', '3,4', '5,6']);
  });

  it('handles quoted delimiters, doubled quotes and newlines with exact line numbers', async () => {
    const text = 'id,note,x\n1,"a, b",2\n2,"say ""hi""",3\n3,"two\nlines\r\nthree",4\n4,"cr\ralone",5\n5,plain,6\n';
    const r = await readEveryChunking(text);
    expect(r.bad).toEqual([]);
    expect(fields(r)).toEqual([
      ['1', 'a, b', '2'],
      ['2', 'say "hi"', '3'],
      ['3', 'two\nlines\r\nthree', '4'],
      ['4', 'cr\ralone', '5'],
      ['5', 'plain', '6'],
    ]);
    expect(lines(r)).toEqual([2, 3, 4, 7, 8]);
    expect(r.rows[2]!.raw).toBe('3,"two\nlines\r\nthree",4');
  });

  it('keeps quotes inside unquoted fields literally', async () => {
    const r = await readEveryChunking('a,b\n5" screen,x"y\n');
    expect(fields(r)).toEqual([['5" screen', 'x"y']]);
  });

  it('skips blank lines silently and counts them', async () => {
    const r = await readEveryChunking('a,b\n\n1,2\n,\n\r\n3,4\n\n');
    expect(fields(r)).toEqual([['1', '2'], ['3', '4']]);
    expect(lines(r)).toEqual([3, 6]);
    expect(r.blank).toBe(4);
    expect(r.bad).toEqual([]);
  });

  it('drops the empty last column of a trailing delimiter', async () => {
    const r = await readEveryChunking('id;name;\n1;Ada;\n2;Bob\n3;Cy;oops\n');
    expect(r.header).toEqual(['id', 'name']);
    expect(fields(r)).toEqual([['1', 'Ada'], ['2', 'Bob']]);
    expect(r.bad.map((b) => [b.line, b.reason])).toEqual([[4, 'wrong_field_count']]);
  });

  it('trims header names and matches columns after case-folding', async () => {
    const r = await readAll(tmpFile(' Lead_ID , Job Title \n1,CEO\n'));
    expect(r.header).toEqual(['Lead_ID', 'Job Title']);
    expect(columnIndex(r.header, 'lead_id')).toBe(0);
    expect(columnIndex(r.header, ' JOB TITLE')).toBe(1);
    expect(columnIndex(r.header, 'email')).toBe(-1);
  });
});

describe('bad rows', () => {
  it('rejects a wrong field count with its line and goes on', async () => {
    const r = await readEveryChunking('a,b,c\n1,2,3\n1,2\n"x\ny",2,3,4\n7,8,9\n');
    expect(fields(r)).toEqual([['1', '2', '3'], ['7', '8', '9']]);
    expect(lines(r)).toEqual([2, 6]);
    expect(r.bad.map((b) => [b.line, b.reason])).toEqual([
      [3, 'wrong_field_count'],
      [4, 'unbalanced_quote'], // a multi-line record with a wrong count: first line rejected, re-read from line 5
      [5, 'wrong_field_count'],
    ]);
    expect(r.bad[0]!.message).toBe('row has 2 fields, header has 3');
    expect(r.bad[0]!.raw).toBe('1,2');
  });

  it('rejects an unbalanced quote at EOF without swallowing the rest', async () => {
    const r = await readEveryChunking('id,name\n1,"Acme\n2,ok\n3,fine\n');
    expect(r.bad.map((b) => [b.line, b.reason, b.raw])).toEqual([[2, 'unbalanced_quote', '1,"Acme']]);
    expect(fields(r)).toEqual([['2', 'ok'], ['3', 'fine']]);
    expect(lines(r)).toEqual([3, 4]);
  });

  it('resyncs when a runaway quote closes in the middle of a later field', async () => {
    const r = await readEveryChunking('id;name;x\n1;"Acme, Inc;3\n2;ok;4\n3;"Foo";5\n');
    expect(r.bad.map((b) => [b.line, b.reason])).toEqual([[2, 'unbalanced_quote']]);
    expect(fields(r)).toEqual([['2', 'ok', '4'], ['3', 'Foo', '5']]);
    expect(lines(r)).toEqual([3, 4]);
  });

  it('gives up on a quote still open after maxQuotedLines lines', async () => {
    const body = Array.from({ length: 50 }, (_, i) => `${i + 3},v${i}`).join('\n');
    const text = `id,v\n1,ok\n2,"open\n${body}\n99,"closes late\n100,end\n`;
    const r = await readAll(tmpFile(text), { maxQuotedLines: 10, chunkSize: 64 });
    expect(r.bad[0]).toMatchObject({ line: 3, reason: 'unbalanced_quote', raw: '2,"open' });
    expect(lines(r).slice(0, 3)).toEqual([2, 4, 5]);
    expect(r.rows.find((x) => x.fields[0] === '100')?.line).toBe(55);
  });

  it('rejects a field longer than maxFieldChars without buffering it', async () => {
    const big = 'x'.repeat(5000);
    const r = await readEveryChunking(`id,v\n1,a\n2,${big}\n3,"${big}"\n4,b\n`, { maxFieldChars: 1000 });
    expect(fields(r)).toEqual([['1', 'a'], ['4', 'b']]);
    expect(r.bad.map((b) => [b.line, b.reason])).toEqual([
      [3, 'field_too_large'],
      [4, 'field_too_large'],
    ]);
  });

  it('rejects a too-large field at a small chunk size by skipping (raw truncated)', async () => {
    const big = 'y'.repeat(300_000); // beyond the 64 KiB detection sample, so the line is never held whole
    const r = await readAll(tmpFile(`id,v\n1,${big}\n2,b\n`), { maxFieldChars: 100, chunkSize: 4096 });
    expect(fields(r)).toEqual([['2', 'b']]);
    expect(r.bad).toHaveLength(1);
    expect(r.bad[0]!.line).toBe(2);
    expect(r.bad[0]!.reason).toBe('field_too_large');
    expect(r.bad[0]!.raw.length).toBeLessThan(300);
    expect(lines(r)).toEqual([3]);
  });
});

describe('opening', () => {
  it('LS101 when the file does not exist', async () => {
    const err = await openCsv('/nonexistent/leads.csv').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CsvOpenError);
    expect(err).toMatchObject({ code: 'LS101' });
    expect((err as Error).message).toContain('/nonexistent/leads.csv');
  });

  it.each([[''], ['\n\n'], ['\xef\xbb\xbf']])('LS102 for an empty file %j', async (text) => {
    await expect(openCsv(tmpFile(Buffer.from(text, 'latin1')))).rejects.toMatchObject({ code: 'LS102' });
  });

  it('LS103 for duplicate header names with both positions', async () => {
    const err = (await openCsv(tmpFile('id,Email,name,email \n')).catch((e: unknown) => e)) as CsvOpenError;
    expect(err.code).toBe('LS103');
    expect(err.message).toContain('2 and 4');
  });

  it('reads gzip by extension and by magic bytes', async () => {
    const gz = gzipSync(Buffer.from('id,v\n1,a\n2,"b\nc"\n'));
    for (const p of [tmpFile(gz, '.csv.gz'), tmpFile(gz, '.csv')]) {
      for (const chunkSize of [1, 7, 65536]) {
        const f = await openCsv(p, { chunkSize });
        const rows: string[][] = [];
        for await (const b of f.batches(() => {})) rows.push(...b.map((x) => x.fields));
        expect(rows).toEqual([['1', 'a'], ['2', 'b\nc']]);
        expect(f.bytesRead()).toBe(gz.length);
        expect(f.totalBytes).toBe(gz.length);
      }
    }
  });

  it('reports header and header line; header-only file yields no rows', async () => {
    const f = await openCsv(tmpFile('a,b\n'));
    expect(f.headerLine).toBe(1);
    const batches = [];
    for await (const b of f.batches(() => {})) batches.push(b);
    expect(batches).toEqual([]);
  });
});

describe('splitRecord', () => {
  it('splits raw text back into the same fields', async () => {
    const r = await readAll(tmpFile('a;b;c\n1;"x;y";"q""t"\n2;"multi\r\nline";z\n3;4;5\n'));
    for (const row of r.rows) expect(splitRecord(row.raw, ';')).toEqual(row.fields);
  });

  it('CsvFile.split re-splits with the header width of a trailing-delimiter file', async () => {
    const f = await openCsv(tmpFile('id;name;\n1;"A;da";\n'));
    const rows = [];
    for await (const b of f.batches(() => {})) rows.push(...b);
    expect(rows.map((r) => f.split(r.raw))).toEqual([['1', 'A;da']]);
  });

  it('drops the trailing-delimiter field when given the header width', () => {
    expect(splitRecord('1;Ada;', ';')).toEqual(['1', 'Ada', '']);
    expect(splitRecord('1;Ada;', ';', 2)).toEqual(['1', 'Ada']);
  });
});
