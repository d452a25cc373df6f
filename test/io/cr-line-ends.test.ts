// Issue 16 item 7: "CSV (Macintosh)" exports end lines with a lone CR. They used to be read as one header
// line: 0 leads, exit 0. Now every CR is a line end, and the run gives what the LF file gives.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { leadscore, ROOT, tempDir } from '../helpers/cli.js';
import { openCsv } from '../../src/io/csv-reader.js';

describe('CR-only line ends', () => {
  it('reads every row of a CR-only file, with its line numbers', async () => {
    const dir = tempDir('ls-cr-');
    const p = join(dir, 'leads.csv');
    writeFileSync(p, 'lead_id,name,note\r1,Ana,"two\rlines"\r2,Bo,x\r\r3,Cy,y');
    const f = await openCsv(p);
    expect(f.header).toEqual(['lead_id', 'name', 'note']);
    const rows: { line: number; fields: string[] }[] = [];
    for await (const b of f.batches(() => undefined)) for (const r of b) rows.push({ line: r.line, fields: r.fields });
    expect(rows).toEqual([
      { line: 2, fields: ['1', 'Ana', 'two\nlines'] },
      { line: 4, fields: ['2', 'Bo', 'x'] },
      { line: 6, fields: ['3', 'Cy', 'y'] },
    ]);
  });

  it('scores a CR-only export like the same export with LF line ends', () => {
    const dir = tempDir('ls-cr-');
    const cr = (name: string) => {
      const p = join(dir, name);
      writeFileSync(p, readFileSync(join(ROOT, 'samples', name), 'utf8').replace(/\r?\n/g, '\r'));
      return p;
    };
    const run = (leads: string, acts: string, out: string) =>
      leadscore(['score', '-m', 'models/b2b-saas.yaml', '-l', leads, '-a', acts, '-o', join(dir, out), '--as-of', '2026-11-01', '-q', '--format', 'json']);
    const a = run('samples/leads.csv', 'samples/activities.csv', 'lf');
    const b = run(cr('leads.csv'), cr('activities.csv'), 'cr');
    expect(a.code).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    expect(readFileSync(join(dir, 'cr', 'scored.csv'), 'utf8')).toBe(readFileSync(join(dir, 'lf', 'scored.csv'), 'utf8'));
    const counts = (out: string) => JSON.parse(readFileSync(join(dir, out, 'summary.json'), 'utf8')).counts;
    expect(counts('cr')).toEqual(counts('lf'));
    expect(counts('cr').leads_read).toBe(402);
  }, 60_000);
});
