// End-to-end: the real bin/leadscore train on a slice of the bank-marketing data and on synthetic
// leads with activities; the written model must pass `leadscore validate` (exit 0).
import { BANK_FULL, gunzipText } from '../helpers/data.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { leadscore, readCsv, tempDir } from '../helpers/cli.js';

const BANK = BANK_FULL;

describe('leadscore train on a slice of bank-full.csv', () => {
  const dir = tempDir('leadscore-train-');
  const slice = join(dir, 'bank-slice.csv');
  beforeAll(() => {
    // every 9th row: ~5000 leads spread over the whole campaign (the first rows are all from May)
    const lines = gunzipText(BANK).split('\n').filter((l) => l.trim() !== '');
    writeFileSync(slice, [lines[0], ...lines.slice(1).filter((_, i) => i % 9 === 0)].join('\n') + '\n');
  });

  it('writes a predictive model that validate accepts, with the training facts and the split', () => {
    const model = join(dir, 'model.yaml');
    const split = join(dir, 'split.csv');
    const holdout = join(dir, 'holdout.csv');
    const r = leadscore(['train', '-l', slice, '--outcome', 'y', '--exclude', 'duration', '--null-values', ',NA,N/A,null,unknown',
      '--write-split', split, '--holdout-out', holdout, '-o', model]);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/holdout AUC 0\.\d{4}/);
    const text = readFileSync(model, 'utf8');
    expect(text).toMatch(/^# Trained by leadscore /);
    expect(text).toMatch(/# holdout AUC: 0\.\d{4}/);
    expect(text).toMatch(/# penalty: L2, C = /);
    const doc = parse(text);
    expect(doc.version).toBe(1);
    expect(doc.input.leads.id).toBe('$row');
    expect(doc.input.leads.null_values).toContain('unknown');
    const names = doc.predictive.features.map((f: { name: string }) => f.name);
    expect(names).not.toContain('duration');
    expect(names).not.toContain('y');
    const job = doc.predictive.features.find((f: { name: string }) => f.name === 'job');
    expect(Object.keys(job.levels)).not.toContain('unknown');
    expect(doc.bands.map((b: { name: string }) => b.name)).toEqual(['SQL', 'MQL', 'IQL', 'cold']);
    const v = leadscore(['validate', model, '-l', slice]);
    expect(v.stdout).toMatch(/^ok: /m);
    expect(v.code).toBe(0);
    // the split: every lead once; the holdout file holds exactly the holdout rows, with the header
    const rows = readCsv(split);
    expect(rows.length).toBe(5024);
    const held = rows.filter((x) => x.set === 'holdout');
    expect(held.length).toBeGreaterThan(900);
    expect(held.length).toBeLessThan(1100);
    const heldLines = readFileSync(holdout, 'utf8').trim().split('\n');
    expect(heldLines.length).toBe(held.length + 1);
    expect(heldLines[0]).toBe(readFileSync(slice, 'utf8').split('\n')[0]!.replace(/"/g, '')); // same names and delimiter
  });

  it('round-trips: evaluate on the --holdout-out rows reports the holdout AUC that train printed', () => {
    const model = join(dir, 'rt.yaml');
    const holdout = join(dir, 'rt-holdout.csv');
    const t = leadscore(['train', '-l', slice, '--outcome', 'y', '--exclude', 'duration', '--holdout-out', holdout, '-o', model, '--json']);
    expect(t.code).toBe(0);
    const trained = JSON.parse(t.stdout).holdout_auc as number;
    const e = leadscore(['evaluate', '-m', model, '-l', holdout, '--outcome', 'y', '--json']);
    expect(e.code).toBe(0);
    expect(JSON.parse(e.stdout).model.auc).toBeCloseTo(trained, 10);
  });

  it('is deterministic for a seed, and another seed gives another split', () => {
    const run = (seed: string, out: string) => {
      const r = leadscore(['train', '-l', slice, '--outcome', 'y', '--exclude', 'duration', '--seed', seed, '-o', join(dir, out), '-q']);
      expect(r.code).toBe(0);
      return readFileSync(join(dir, out), 'utf8').split('\n').filter((l) => !l.startsWith('# Trained by') && !l.startsWith('#   leadscore')).join('\n');
    };
    const a = run('7', 'a.yaml');
    expect(run('7', 'b.yaml')).toBe(a);
    expect(run('8', 'c.yaml')).not.toBe(a);
  });

  it('names duration, the classic leak, and leaves out a column that is filled only for one class', () => {
    const leaky = join(dir, 'leaky.csv');
    const lines = readFileSync(slice, 'utf8').trim().split('\n');
    const y = lines[0]!.split(';').indexOf('"y"');
    writeFileSync(leaky, [lines[0] + ';"lost_reason"', ...lines.slice(1).map((l) => l + (l.split(';')[y] === '"no"' ? ';"price"' : ';'))].join('\n') + '\n');
    const r = leadscore(['train', '-l', leaky, '--outcome', 'y', '-o', join(dir, 'leaky.yaml'), '-q']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning .*duration/);
    expect(r.stderr).toMatch(/possible leak: lost_reason left out: .*filled only for not converted leads/);
    const names = parse(readFileSync(join(dir, 'leaky.yaml'), 'utf8')).predictive.features.map((f: { name: string }) => f.name);
    expect(names).not.toContain('lost_reason');
    // named in --features, it is kept (with a warning)
    const k = leadscore(['train', '-l', leaky, '--outcome', 'y', '--features', 'age,job,lost_reason', '-o', join(dir, 'kept.yaml'), '-q']);
    expect(k.code).toBe(0);
    expect(k.stderr).toMatch(/lost_reason.*kept because --features names it/);
    expect(parse(readFileSync(join(dir, 'kept.yaml'), 'utf8')).predictive.features.map((f: { name: string }) => f.name)).toEqual(['age', 'job', 'lost_reason']);
  });

  it('--as-points writes a points model of fit rules that validates and scores, with its holdout AUC', () => {
    const model = join(dir, 'points.yaml');
    const r = leadscore(['train', '-l', slice, '--outcome', 'y', '--exclude', 'duration', '--as-points', '-o', model]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/points model holdout AUC 0\.\d{4}/);
    const doc = parse(readFileSync(model, 'utf8'));
    expect(doc.predictive).toBeUndefined();
    expect(doc.fit.rules.length).toBeGreaterThan(5);
    for (const rule of doc.fit.rules) {
      const pts = [rule.points, ...Object.values(rule.values ?? {}), ...(rule.ranges ?? []).map((x: { points: number }) => x.points)].filter((x) => x !== undefined);
      for (const p of pts) expect(Number.isInteger(p)).toBe(true);
    }
    expect(leadscore(['validate', model, '-l', slice]).code).toBe(0);
    const out = join(dir, 'scored');
    const s = leadscore(['score', '-m', model, '-l', slice, '-o', out, '--as-of', '2026-01-01', '-q']);
    expect(s.code).toBe(0);
    const scored = readCsv(join(out, 'scored.csv'));
    expect(scored.length).toBe(5024);
    expect(new Set(scored.map((x) => x.score)).size).toBeGreaterThan(20);
  });

  it('exits 3 with a code when the outcome column or the positive value is not there', () => {
    const a = leadscore(['train', '-l', slice, '--outcome', 'converted', '-o', join(dir, 'x.yaml')]);
    expect(a.code).toBe(3);
    expect(a.stderr).toMatch(/LS140/);
    const b = leadscore(['train', '-l', slice, '--outcome', 'y', '--positive', 'won', '-o', join(dir, 'x.yaml')]);
    expect(b.code).toBe(3);
    expect(b.stderr).toMatch(/LS144/);
    const c = leadscore(['train', '-l', slice, '--outcome', 'job', '-o', join(dir, 'x.yaml')]);
    expect(c.code).toBe(3);
    expect(c.stderr).toMatch(/LS144.*--positive/s);
  });

  it('exits 2 on a bad --holdout', () => {
    expect(leadscore(['train', '-l', slice, '--outcome', 'y', '--holdout', '1.5', '-o', join(dir, 'x.yaml')]).code).toBe(2);
  });
});

describe('leadscore train with activities', () => {
  it('per-lead activity aggregates become candidate features, and the model validates', () => {
    const dir = tempDir('leadscore-train-act-');
    const leads = ['lead_id,segment,employees,won'];
    const acts = ['lead_id,activity_type,occurred_at'];
    let s = 11;
    const rand = () => ((s = (s * 16807) % 2147483647) / 2147483647);
    for (let i = 1; i <= 400; i++) {
      const webinars = Math.floor(rand() * 4);
      const opens = Math.floor(rand() * 6);
      const won = rand() < 0.08 + 0.15 * webinars ? 'yes' : 'no';
      leads.push(`L${i},${['smb', 'mid', 'ent'][i % 3]},${Math.floor(rand() * 500)},${won}`);
      for (let k = 0; k < webinars; k++) acts.push(`L${i},webinar_attended,2026-0${1 + (k % 9)}-1${k}T10:00:00Z`);
      for (let k = 0; k < opens; k++) acts.push(`L${i},email_open,2026-10-${10 + k}T08:00:00Z`);
    }
    acts.push('L1,email_open,2027-01-01T00:00:00Z'); // after --as-of: ignored
    writeFileSync(join(dir, 'leads.csv'), leads.join('\n') + '\n');
    writeFileSync(join(dir, 'activities.csv'), acts.join('\n') + '\n');
    const model = join(dir, 'model.yaml');
    const r = leadscore(['train', '-l', join(dir, 'leads.csv'), '-a', join(dir, 'activities.csv'), '--as-of', '2026-11-01', '--outcome', 'won', '-o', model, '--json']);
    expect(r.code).toBe(0);
    const facts = JSON.parse(r.stdout);
    expect(facts.id).toBe('lead_id');
    expect(facts.activities.future).toBe(1);
    expect(facts.features).toContain('activity.count.webinar_attended');
    const doc = parse(readFileSync(model, 'utf8'));
    expect(doc.input.activities).toEqual({ lead_id: 'lead_id', type: 'activity_type', timestamp: 'occurred_at' });
    const webinar = doc.predictive.features.find((f: { name: string }) => f.name === 'activity.count.webinar_attended');
    expect(webinar.coefficient).toBeGreaterThan(0);
    expect(leadscore(['validate', model, '-l', join(dir, 'leads.csv'), '-a', join(dir, 'activities.csv')]).code).toBe(0);
  });
});
