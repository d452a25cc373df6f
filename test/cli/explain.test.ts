// explain: its parts add up to the score in scored.csv, for every sample model and every lead.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { leadscore, readCsv, tempDir } from '../helpers/cli.js';
import { BANK_FULL, gunzipText } from '../helpers/data.js';

interface X {
  lead: string;
  fit: { rules: { points: number }[]; total_before_cap: number; max: number | null; total: number };
  engagement: {
    rules: { id: string; total: number; total_before_max_points: number; max_points: number | null; activities: { file: string; line: number; points: number; status: string }[] }[];
    other_activities: number;
    activity_count: number;
    signals: { points: number }[];
    total_before_cap: number;
    max: number | null;
    total: number;
  };
  quality: { points: number }[];
  adjustments: number;
  predictive: { probability: number; weight: number } | null;
  sum: number;
  score: number;
  band: { name: string } | null;
  reasons: string;
  rejected: string | null;
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

function check(x: X, row: Record<string, string>) {
  expect(x.fit.total_before_cap).toBeCloseTo(sum(x.fit.rules.map((r) => r.points)), 9);
  expect(x.fit.total).toBeCloseTo(x.fit.max === null ? x.fit.total_before_cap : Math.min(x.fit.total_before_cap, x.fit.max), 9);
  expect(x.engagement.total_before_cap).toBeCloseTo(sum(x.engagement.rules.map((r) => r.total)) + sum(x.engagement.signals.map((s) => s.points)), 6);
  expect(x.engagement.total).toBeCloseTo(x.engagement.max === null ? x.engagement.total_before_cap : Math.min(x.engagement.total_before_cap, x.engagement.max), 9);
  expect(x.adjustments).toBeCloseTo(sum(x.quality.map((q) => q.points)), 9);
  if (!x.predictive) expect(x.sum).toBeCloseTo(x.fit.total + x.engagement.total + x.adjustments, 9);
  else expect(x.sum).toBeCloseTo(x.predictive.weight * 100 * x.predictive.probability + (1 - x.predictive.weight) * (x.fit.total + x.engagement.total + x.adjustments), 4);
  expect(x.score).toBeCloseTo(Math.min(100, Math.max(0, x.sum)), 9);
  // and the same as score wrote
  expect(x.score.toFixed(2), x.lead).toBe(row.score);
  expect(x.band?.name ?? '').toBe(row.band);
  expect(x.reasons).toBe(row.reasons);
  // each rule's counted activities add up to its total before max_points, and max_points gives the total
  const counted = new Set<string>();
  for (const r of x.engagement.rules) {
    const points = sum(r.activities.filter((a) => a.status === 'counted').map((a) => a.points));
    expect(Math.abs(points - r.total_before_max_points), `${x.lead} ${r.id}`).toBeLessThanOrEqual(1e-9);
    const cap = r.max_points;
    expect(r.total).toBe(cap === null ? r.total_before_max_points : Math.max(-cap, Math.min(cap, r.total_before_max_points)));
    for (const a of r.activities) {
      expect(a.status).toMatch(STATUS);
      seen.add(a.status);
      if (a.status !== 'counted') expect(a.points).toBe(0);
      if (['counted', 'if_false', 'max_count'].includes(a.status)) counted.add(`${a.file}:${a.line}`);
    }
  }
  // the statuses are the fold's: the activities it took in (counted by a rule, or whose rule's condition
  // fails or max_count leaves them out), with those of types no rule names, are exactly the ones the
  // fold counted for the lead (activity_count, as signals see it)
  expect(counted.size + x.engagement.other_activities, x.lead).toBe(x.engagement.activity_count);
}

const seen = new Set<string>();
const STATUS = /^(counted|after_as_of|outside_window|if_false|max_count|bot_filter:(burst|scanner_click)|rejected:(missing_type|missing_timestamp|bad_timestamp))$/;

const cases: [string, string, string[]][] = [
  ['models/b2b-saas.yaml', 'samples/leads.csv', ['samples/activities.csv']],
  ['models/b2b-segments.yaml', 'samples/leads.csv', ['samples/activities.csv']],
  ['models/product-led-trial.yaml', 'samples/product-led-trial/leads.csv', ['samples/product-led-trial/activities.csv']],
  ['models/bant-services.yaml', 'samples/bant-services/leads.csv', ['samples/bant-services/activities.csv']],
  ['models/b2b-accounts.yaml', 'samples/leads.csv', ['samples/activities.csv']],
  ['models/email-engagement.yaml', 'samples/email/leads.csv', ['samples/email/activities.csv']],
];

describe('explain adds up to scored.csv', () => {
  for (const [model, leads, acts] of cases) {
    it(`${model}: every lead of the sample`, () => {
      const out = tempDir();
      const common = ['-m', model, '-l', leads, ...acts.flatMap((a) => ['-a', a]), '--as-of', '2026-11-01'];
      const s = leadscore(['score', ...common, '-o', out, '-q']);
      expect(s.code, s.stderr).toBe(0);
      const rows = readCsv(join(out, 'scored.csv'));
      const idCol = Object.keys(rows[0]!)[0]!;
      expect(rows.length).toBeGreaterThan(100);
      const r = leadscore(['explain', ...common, '--json', ...rows.flatMap((x) => ['--lead', x[idCol]!])]);
      expect(r.code, r.stderr).toBe(0);
      const xs = JSON.parse(r.stdout) as X[];
      expect(xs.length).toBe(rows.length);
      xs.forEach((x, i) => check(x, rows[i]!));
    });
  }

  it('a trained predictive model on bank data ($row ids)', () => {
    const dir = tempDir();
    const lines = gunzipText(BANK_FULL).split('\n').slice(0, 1201);
    const leads = join(dir, 'bank.csv');
    writeFileSync(leads, lines.join('\n') + '\n');
    const model = join(dir, 'm.yaml');
    const t = leadscore(['train', '-l', leads, '--outcome', 'y', '--positive', 'yes', '--exclude', 'duration', '--null-values', 'unknown', '-o', model, '-q']);
    expect(t.code, t.stderr).toBe(0);
    const out = join(dir, 'out');
    expect(leadscore(['score', '-m', model, '-l', leads, '-o', out, '-q']).code).toBe(0);
    const rows = readCsv(join(out, 'scored.csv')).slice(0, 200);
    // $row: the id is the data row number; scored.csv is ranked, so find each row's number by its cells
    const ids = Array.from({ length: 200 }, (_, i) => String(i + 1));
    const r = leadscore(['explain', '-m', model, '-l', leads, '--json', ...ids.flatMap((id) => ['--lead', id])]);
    expect(r.code, r.stderr).toBe(0);
    const xs = JSON.parse(r.stdout) as X[];
    const all = readCsv(join(out, 'scored.csv'));
    const key = (o: Record<string, string>) => lines[0]!.split(';').map((h) => o[h.replace(/"/g, '')]).join('|');
    const byKey = new Map(all.map((x) => [key(x), x]));
    xs.forEach((x, i) => {
      const cells = lines[i + 1]!.split(';').map((c) => c.replace(/"/g, ''));
      const row = byKey.get(cells.join('|'));
      expect(row, `row ${i + 1}`).toBeDefined();
      check(x, row!);
    });
    expect(xs[0]!.predictive).not.toBeNull();
    expect(rows.length).toBe(200);
  });

  it('the samples above meet every kind of decision of the fold', () => {
    for (const status of ['counted', 'after_as_of', 'outside_window', 'if_false', 'max_count', 'bot_filter:burst', 'bot_filter:scanner_click']) {
      expect([...seen], status).toContain(status);
    }
    expect([...seen].some((s) => s.startsWith('rejected:'))).toBe(true);
  });

  it('without --lead it is a usage error', () => {
    const r = leadscore(['explain', '-m', 'models/b2b-saas.yaml', '-l', 'samples/leads.csv']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--lead');
  });

  it('an unknown lead id is an input error naming it', () => {
    const r = leadscore(['explain', '-m', 'models/b2b-saas.yaml', '-l', 'samples/leads.csv', '--lead', 'NOPE']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('LS150');
    expect(r.stderr).toContain('"NOPE"');
  });

  it('text output builds the score step by step', () => {
    const r = leadscore(['explain', '-m', 'models/b2b-saas.yaml', '-l', 'samples/leads.csv', '-a', 'samples/activities.csv', '--as-of', '2026-11-01', '--lead', 'L00304']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^lead L00304/);
    for (const part of ['fit', 'engagement', 'quality', 'score = fit', 'band SQL', 'not counted: after as-of', 'not counted: beyond max_count']) expect(r.stdout).toContain(part);
  });
});
