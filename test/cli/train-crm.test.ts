// `train` on a CRM-like export (test/fixtures/crm/make.mjs: X Education "Leads.csv" style) with no flags:
// honest by default. The planted post-outcome columns (a status tag and a quality rating) are left out and
// named; the genuinely strong referral source is kept; the export's own id is the lead id; `Lead Number`
// (sequential) is never a feature; `Select` is a placeholder, not a level.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { leadscore, readCsv, ROOT, tempDir } from '../helpers/cli.js';

interface Feature { name: string; type: string; levels?: Record<string, number> }

describe('leadscore train on a CRM-like export, no flags', () => {
  const dir = tempDir('leadscore-train-crm-');
  const leads = join(dir, 'Leads.csv');
  const model = join(dir, 'model.yaml');
  let facts: { id: string; left_out: { name: string; reason: string }[]; features: string[]; leaks: { name: string; kept: boolean; reasons: string[] }[]; holdout_auc: number };
  let stderr = '';
  beforeAll(() => {
    execFileSync(process.execPath, [join(ROOT, 'test/fixtures/crm/make.mjs'), leads], { stdio: 'ignore' });
    const r = leadscore(['train', '-l', leads, '--outcome', 'Converted', '-o', model, '--json']);
    expect(r.code, r.stderr).toBe(0);
    facts = JSON.parse(r.stdout);
    stderr = r.stderr;
  }, 180_000);

  it('leaves out both planted post-outcome columns, names them with the reason, on stderr and in the model header', () => {
    const left = facts.leaks.filter((l) => !l.kept).map((l) => l.name);
    expect(left.sort()).toEqual(['Lead Quality', 'Tags']);
    expect(facts.features).not.toContain('Tags');
    expect(facts.features).not.toContain('Lead Quality');
    expect(stderr).toMatch(/possible leak: Tags left out: .*level names speak of the outcome/);
    expect(stderr).toMatch(/possible leak: Lead Quality left out: .*filled for \d+% of converted leads/);
    const header = readFileSync(model, 'utf8').split('\n').filter((l) => l.startsWith('#')).join('\n');
    expect(header).toMatch(/left out as possible leaks/);
    expect(header).toMatch(/^# {3}Tags: .*closed by horizzon/m);
    expect(header).toMatch(/^# {3}Lead Quality: /m);
  });

  it('keeps the strong referral source (Lead Source = Reference converts ~90 %) with a positive term', () => {
    expect(facts.features).toContain('Lead Source');
    const doc = parse(readFileSync(model, 'utf8'));
    const source = doc.predictive.features.find((f: Feature) => f.name === 'Lead Source') as Feature;
    expect(source.levels!.reference).toBeGreaterThan(1);
  });

  it('keys leads by Prospect ID, never uses Lead Number, and reads Select as missing', () => {
    expect(facts.id).toBe('Prospect ID');
    expect(facts.features).not.toContain('Lead Number');
    expect(facts.features).not.toContain('Prospect ID');
    expect(facts.left_out.find((d) => d.name === 'Lead Number')?.reason).toMatch(/sequential with the row number/);
    const doc = parse(readFileSync(model, 'utf8'));
    expect(doc.input.leads.id).toBe('Prospect ID');
    expect(doc.input.leads.null_values).toContain('Select');
    for (const f of doc.predictive.features as Feature[]) if (f.levels) expect(Object.keys(f.levels)).not.toContain('select');
    // the model's id round-trips: explain finds a lead by the export's own id
    const first = readFileSync(leads, 'utf8').split('\n')[1]!.split(',')[0]!;
    const x = leadscore(['explain', '-m', model, '-l', leads, '--lead', first, '--json']);
    expect(x.code, x.stderr).toBe(0);
    expect(JSON.parse(x.stdout)[0].lead).toBe(first);
  });

  it('reports the holdout AUC of an honest model: close to the one with the leaks left out by hand', () => {
    const hand = leadscore(['train', '-l', leads, '--outcome', 'Converted', '--id', 'Prospect ID', '--exclude', 'Tags,Lead Quality,Lead Number',
      '--null-values', ',NA,N/A,null,Select', '-o', join(dir, 'hand.yaml'), '--json']);
    expect(hand.code, hand.stderr).toBe(0);
    const byHand = JSON.parse(hand.stdout).holdout_auc as number;
    expect(facts.holdout_auc).toBeLessThan(0.9);
    expect(Math.abs(facts.holdout_auc - byHand)).toBeLessThan(0.01);
  });

  it('explains a lead in words a rep can read: feature = value and its effect in log-odds, in scored.csv and explain', () => {
    const out = join(dir, 'scored');
    const sc = leadscore(['score', '-m', model, '-l', leads, '-o', out, '-q']);
    expect(sc.code, sc.stderr).toBe(0);
    const rows = readCsv(join(out, 'scored.csv'));
    const ref = rows.find((r) => r['Lead Source'] === 'Reference' && r.reasons!.includes('Lead Source'))!;
    expect(ref.reasons).toMatch(/Lead Source = Reference \+\d+\.\d\d/);
    for (const r of rows.slice(0, 50)) {
      const parts = r.reasons!.split('; ');
      expect(parts.length).toBeGreaterThan(0);
      for (const p of parts) expect(p).toMatch(/^[^=]+ = .+ [+-]\d+\.\d\d$/);
      const effects = parts.map((p) => Math.abs(Number(p.slice(p.lastIndexOf(' ') + 1))));
      expect([...effects].sort((a, b) => b - a)).toEqual(effects); // largest effect first
    }
    const x = leadscore(['explain', '-m', model, '-l', leads, '--lead', ref['Prospect ID']!]);
    expect(x.code, x.stderr).toBe(0);
    expect(x.stdout).toMatch(/Lead Source = Reference +\+\d+\.\d\d log-odds/);
    expect(x.stdout).toContain(`reasons: ${ref.reasons}`);
  });

  it('reports the calibration of the score on the holdout and the proposed bands\' precision and recall', () => {
    const f = facts as unknown as { calibration: { ece: number; bins: { leads: number; mean_predicted: number | null }[] }; band_figures: { name: string; min: number | null; precision: number; recall: number }[] };
    expect(f.calibration.ece).toBeGreaterThan(0);
    expect(f.calibration.ece).toBeLessThan(0.1);
    expect(f.calibration.bins.reduce((t, b) => t + b.leads, 0)).toBe(1848);
    const bands = f.band_figures.filter((b) => b.min !== null);
    expect(bands.map((b) => b.name)).toEqual(['SQL', 'MQL', 'IQL']);
    for (let k = 1; k < bands.length; k++) {
      expect(bands[k]!.recall).toBeGreaterThan(bands[k - 1]!.recall); // a lower bar catches more
      expect(bands[k]!.precision).toBeLessThan(bands[k - 1]!.precision);
    }
    const text = readFileSync(model, 'utf8');
    expect(text).toMatch(/^# calibration on the holdout \(the score is 100 x p\): expected calibration error \d+\.\d points/m);
    expect(text).toMatch(/^ {2}# {3}SQL +min +\d+\.\d\d +\d+ leads +conversion +\d+\.\d% +precision +\d+\.\d% +recall +\d+\.\d%$/m);
  });

  it('--keep keeps a feature the guard would leave out, and says so', () => {
    const r = leadscore(['train', '-l', leads, '--outcome', 'Converted', '--keep', 'Tags', '-o', join(dir, 'kept.yaml'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const f = JSON.parse(r.stdout);
    expect(f.features).toContain('Tags');
    expect(f.features).not.toContain('Lead Quality');
    expect(r.stderr).toMatch(/possible leak: Tags kept because --keep names it/);
    expect(f.holdout_auc).toBeGreaterThan(facts.holdout_auc + 0.05);
  });
});
