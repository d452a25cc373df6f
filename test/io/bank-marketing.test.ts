// The UCI bank-marketing exports (gzipped copies in test/fixtures/bank-marketing/) read as they are by the real
// bin/leadscore: ';'-delimited, every text cell quoted, no id column (the model uses id: $row), LF in
// bank-full.csv and CRLF in bank-additional-full.csv. Every row is read and scored, none is rejected,
// and the cells are read right: the "subscribed" band holds exactly the rows whose y is "yes".
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { leadscore, ROOT, tempDir } from '../helpers/cli.js';
import { gunzipText } from '../helpers/data.js';

const DATA = join(ROOT, 'test/fixtures/bank-marketing');
const MODEL = join(ROOT, 'test/fixtures/messy/bank-model.yaml');

/** Rows and "yes" outcomes counted straight from the file's lines (independently of the reader). */
function countLines(path: string): { rows: number; yes: number; longCalls: number } {
  const lines = gunzipText(path).split(/\r?\n/).filter((l) => l !== '');
  const header = lines[0]!.split(';').map((h) => h.replace(/"/g, ''));
  const d = header.indexOf('duration');
  let yes = 0;
  let longCalls = 0;
  for (const l of lines.slice(1)) {
    const cells = l.split(';');
    if (cells[cells.length - 1] === '"yes"') yes++;
    if (Number(cells[d]) > 600) longCalls++;
  }
  return { rows: lines.length - 1, yes, longCalls };
}

describe('bank-marketing exports, read as they are', () => {
  it.each([
    ['bank-full.csv.gz', 45211],
    ['bank-additional-full.csv.gz', 41188],
  ])('%s: %i rows read and scored, none rejected', (file, rows) => {
    const path = join(DATA, file);
    const expected = countLines(path);
    expect(expected.rows).toBe(rows);
    const out = join(tempDir('leadscore-bank-'), 'out');
    const r = leadscore(['score', '-m', MODEL, '-l', path, '-o', out, '--as-of', '2026-11-01', '--json', '--strict']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as {
      counts: { leads_read: number; scored: number; rejected: number };
      bands: { name: string; count: number }[];
      rules: { id: string; fired: number }[];
      data_quality: { unparsable_values: Record<string, number>; rejected_by_reason: Record<string, number> };
    };
    expect(s.counts).toMatchObject({ leads_read: rows, scored: rows, rejected: 0 });
    expect(s.data_quality.rejected_by_reason).toEqual({});
    expect(s.data_quality.unparsable_values).toEqual({});
    expect(s.bands.find((b) => b.name === 'subscribed')!.count).toBe(expected.yes);
    expect(s.rules.find((x) => x.id === 'long_call')!.fired).toBe(expected.longCalls);
    expect(readFileSync(join(out, 'rejects.csv'), 'utf8')).toBe('source,line,reason,detail,row\n');
  });
});
