// End to end: the real bin/leadscore on files in a temporary folder.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { leadscore, readCsv, tempDir } from '../helpers/cli.js';

const SAMPLE = ['-m', 'models/b2b-saas.yaml', '-l', 'samples/leads.csv', '-a', 'samples/activities.csv', '--as-of', '2026-11-01'];

describe('leadscore score on the bundled sample', () => {
  const out = tempDir();
  const r = leadscore(['score', ...SAMPLE, '-o', out]);

  it('exits 0 and writes every output PRODUCT.md §3 names', () => {
    expect(r.code, r.stderr).toBe(0);
    for (const f of ['scored.csv', 'band-SQL.csv', 'band-MQL.csv', 'band-IQL.csv', 'band-cold.csv', 'rejects.csv', 'summary.md', 'summary.json']) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    expect(readdirSync(out).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(r.stdout).toMatch(/scored \d+ leads/);
    expect(r.stdout).toMatch(/SQL\s+\d+/);
  });

  it('scored.csv keeps the original columns, adds the score columns, and is ranked', () => {
    const rows = readCsv(join(out, 'scored.csv'));
    const header = readFileSync(join(out, 'scored.csv'), 'utf8').split('\n')[0]!;
    expect(header).toBe(
      'lead_id,first_name,last_name,email,job_title,department,employees,industry,country,created_at,rank,score,band,grade,fit,engagement,flags,reasons,interest_events,interest_buying',
    );
    rows.forEach((row, i) => {
      expect(Number(row.rank)).toBe(i + 1);
      expect(row.score).toMatch(/^\d+\.\d\d$/);
      const s = Number(row.score);
      expect(s).toBeGreaterThanOrEqual(0);
      expect(s).toBeLessThanOrEqual(100);
      if (i > 0) expect(Number(rows[i - 1]!.score)).toBeGreaterThanOrEqual(s);
      expect(row.reasons!.split('; ').length).toBeLessThanOrEqual(5);
    });
    // A quoted job title with a comma survives unchanged.
    expect(rows.some((r) => r.job_title!.includes(','))).toBe(true);
  });

  it('band files partition scored.csv', () => {
    const rows = readCsv(join(out, 'scored.csv'));
    let total = 0;
    for (const b of ['SQL', 'MQL', 'IQL', 'cold']) {
      const band = readCsv(join(out, `band-${b}.csv`));
      expect(band.every((r) => r.band === b)).toBe(true);
      total += band.length;
    }
    expect(total).toBe(rows.length);
  });

  it('summary.json has the keys PRODUCT.md §3 lists, and leads read = scored + rejected', () => {
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(s.as_of).toBe('2026-11-01T00:00:00.000Z');
    expect(s.model.name).toBe('b2b-saas');
    expect(s.model.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(s.counts.leads_read).toBe(s.counts.scored + s.counts.rejected);
    expect(s.counts.scored).toBe(readCsv(join(out, 'scored.csv')).length);
    const bandTotal = s.bands.reduce((a: number, b: { count: number }) => a + b.count, 0);
    expect(bandTotal).toBe(s.counts.scored);
    for (const b of s.bands) {
      expect(Object.keys(b)).toEqual(expect.arrayContaining(['name', 'min', 'count', 'share', 'top_reasons']));
      expect(b.top_reasons.length).toBeLessThanOrEqual(5);
      const counts = b.top_reasons.map((r: { leads: number }) => r.leads);
      expect(counts).toEqual([...counts].sort((x: number, y: number) => y - x));
      for (const n of counts) expect(n).toBeLessThanOrEqual(b.count);
    }
    // the reasons column agrees with the per-band tally
    const rows = readCsv(join(out, 'scored.csv'));
    const sql = s.bands.find((b: { name: string }) => b.name === 'SQL');
    const tally = (id: string) => rows.filter((r) => r.band === 'SQL' && r.reasons!.split('; ').some((x) => x.startsWith(id + ' '))).length;
    for (const r of sql.top_reasons) expect(r.leads).toBe(tally(r.id));
    expect(s.interests.map((i: { name: string }) => i.name)).toEqual(['events', 'buying']);
    expect(Object.values(s.grades as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(s.counts.scored);
    expect(s.data_quality.duplicate_ids).toBe(2);
    expect(s.data_quality.unknown_activity_types.chat_started).toBeGreaterThan(0);
    const a = s.counts;
    expect(a.activities_read).toBe(a.activities_used + a.activities_ignored.after_as_of + a.activities_ignored.outside_window + a.activities_ignored.orphan + a.activities_rejected);
  });

  it('rejects.csv names source, line, reason and keeps the raw row', () => {
    const rej = readCsv(join(out, 'rejects.csv'));
    const dup = rej.find((r) => r.reason === 'duplicate_id')!;
    expect(dup.source).toBe('samples/leads.csv');
    expect(Number(dup.line)).toBeGreaterThan(1);
    const lines = readFileSync('samples/leads.csv', 'utf8').split('\n');
    expect(lines[Number(dup.line) - 1]).toBe(dup.row);
    expect(rej.map((r) => r.reason)).toEqual(expect.arrayContaining(['duplicate_id', 'bad_email', 'missing_timestamp', 'missing_lead_id']));
  });
});

describe('leadscore score: runs and failures', () => {
  it('a leads-only run (no -a) scores fit and quality only', () => {
    const out = tempDir();
    const r = leadscore(['score', '-m', 'models/b2b-saas.yaml', '-l', 'samples/leads.csv', '-o', out, '--as-of', '2026-11-01']);
    expect(r.code, r.stderr).toBe(0);
    const rows = readCsv(join(out, 'scored.csv'));
    expect(rows.every((row) => row.engagement === '0.00')).toBe(true);
  });

  it('an invalid model exits 2 and writes nothing', () => {
    const dir = tempDir();
    const model = join(dir, 'bad.yaml');
    writeFileSync(model, 'version: 1\nname: bad\nfit:\n  rules:\n    - { id: x, if: { field: a, gretaer_than: 3 }, points: 1 }\n');
    const out = join(dir, 'out');
    const r = leadscore(['score', '-m', model, '-l', 'samples/leads.csv', '-o', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.yaml:5:\d+/);
    expect(existsSync(out)).toBe(false);
  });

  it('a missing required column exits 3, names the closest columns, and leaves previous outputs as they were', () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    expect(leadscore(['score', ...SAMPLE, '-o', out]).code).toBe(0);
    const before = readFileSync(join(out, 'scored.csv'));
    const leads = join(dir, 'leads.csv');
    writeFileSync(leads, 'leadid,email\n1,a@b.com\n');
    const r = leadscore(['score', '-m', 'models/b2b-saas.yaml', '-l', leads, '-o', out]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('LS110');
    expect(r.stderr).toContain('"leadid"');
    expect(readFileSync(join(out, 'scored.csv')).equals(before)).toBe(true);
  });

  it('--strict turns any reject into exit 3; --max-reject-rate bounds the share', () => {
    const out = join(tempDir(), 'out');
    expect(leadscore(['score', ...SAMPLE, '-o', out, '--strict']).code).toBe(3);
    expect(existsSync(join(out, 'scored.csv'))).toBe(false);
    expect(leadscore(['score', ...SAMPLE, '-o', out, '--max-reject-rate', '0.0001']).code).toBe(3);
    expect(leadscore(['score', ...SAMPLE, '-o', out, '--max-reject-rate', '0.5']).code).toBe(0);
  });

  it('neutralises formula cells by default, and not with --no-formula-guard', () => {
    const dir = tempDir();
    const leads = join(dir, 'leads.csv');
    writeFileSync(leads, 'lead_id,first_name,email\n1,=HYPERLINK("x"),a@b.com\n2,-5,c@d.com\n');
    const model = join(dir, 'm.yaml');
    writeFileSync(model, 'version: 1\nname: m\ninput: { leads: { id: lead_id } }\nbands: [{ name: all }]\n');
    let r = leadscore(['score', '-m', model, '-l', leads, '-o', join(dir, 'a')]);
    expect(r.code, r.stderr).toBe(0);
    let rows = readCsv(join(dir, 'a/scored.csv'));
    expect(rows.find((x) => x.lead_id === '1')!.first_name).toBe(`'=HYPERLINK("x")`);
    expect(rows.find((x) => x.lead_id === '2')!.first_name).toBe('-5');
    r = leadscore(['score', '-m', model, '-l', leads, '-o', join(dir, 'b'), '--no-formula-guard']);
    rows = readCsv(join(dir, 'b/scored.csv'));
    expect(rows.find((x) => x.lead_id === '1')!.first_name).toBe('=HYPERLINK("x")');
  });

  it('reads leads from stdin with -', () => {
    const out = tempDir();
    const r = leadscore(['score', '-m', 'models/b2b-saas.yaml', '-l', '-', '-o', out, '--as-of', '2026-11-01', '--json'], {
      input: readFileSync('samples/leads.csv', 'utf8'),
    });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).counts.leads_read).toBe(402);
  });

  it('an output folder that is a file is an error with a code, not a crash', () => {
    const dir = tempDir();
    const file = join(dir, 'out');
    writeFileSync(file, 'not a folder');
    const r = leadscore(['score', ...SAMPLE, '-o', file]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('LS107');
    expect(r.stderr).not.toContain('internal error');
    expect(readFileSync(file, 'utf8')).toBe('not a folder');
  });

  it('a bad --as-of is a usage error', () => {
    const r = leadscore(['score', ...SAMPLE.slice(0, 6), '-o', tempDir(), '--as-of', 'yesterday']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--as-of');
  });
});
