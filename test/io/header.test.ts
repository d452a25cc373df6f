import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readHeaderLine, splitHeader } from '../../src/io/header.js';

describe('splitHeader', () => {
  it.each([
    ['a,b,c', ['a', 'b', 'c']],
    ['a;b;c', ['a', 'b', 'c']],
    ['a\tb\tc', ['a', 'b', 'c']],
    ['a|b|c', ['a', 'b', 'c']],
    ['\uFEFFlead_id;name', ['lead_id', 'name']],
    ['"last, first";"say ""hi""";x', ['last, first', 'say "hi"', 'x']],
    [' id , name ', ['id', 'name']],
    ['only', ['only']],
    ['', []],
  ])('%j', (line, cols) => expect(splitHeader(line)).toEqual(cols));
});

describe('readHeaderLine', () => {
  const dir = mkdtempSync(join(tmpdir(), 'leadscore-header-'));
  it('reads the first line only (CRLF, quoted newline in a name)', async () => {
    writeFileSync(join(dir, 'a.csv'), '"lead\nid",email\r\n1,x\r\n');
    expect(await readHeaderLine(join(dir, 'a.csv'))).toEqual(['lead\nid', 'email']);
  });
  it('reads gzip by .gz', async () => {
    writeFileSync(join(dir, 'b.csv.gz'), gzipSync('lead_id;type\n1;x\n'));
    expect(await readHeaderLine(join(dir, 'b.csv.gz'))).toEqual(['lead_id', 'type']);
  });
  it('rejects for a missing file', async () => {
    await expect(readHeaderLine(join(dir, 'none.csv'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
