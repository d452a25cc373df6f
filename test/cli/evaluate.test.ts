// End-to-end tests of `leadscore evaluate`: the real bin on the bank-marketing data and on the samples.
import { BANK_FULL } from '../helpers/data.js';
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { leadscore, readCsv, ROOT, tempDir } from '../helpers/cli.js';

const BANK = BANK_FULL;
const BANK_MODEL = 'models/bank-marketing.yaml';

interface Ev {
  outcome: { evaluated: number; scored: number; positives: number; negatives: number; missing_outcome: number; not_in_outcomes: number };
  model: {
    auc: number | null; auc_reason?: string; auc_ci: { lower: number; upper: number } | null; gini: number | null;
    ks: { ks: number; score: number } | null; bands: { name: string; leads: number; conversion: number | null }[];
    gains: { leads: number; gain: number | null }[]; rule_analysis: { rules: { id: string; fired: number }[] };
    calibration: { applies: boolean }; thresholds: { suggestion: { point: { leads: number } | null } | null };
  };
  compare?: { leads: number; a: { auc: number }; b: { auc: number }; auc_difference: number; band_changes: { counts: number[][]; changed: number } };
}

describe('evaluate on bank-full.csv', () => {
  it('writes evaluation.md, evaluation.json and scores.csv with sane figures', () => {
    const out = tempDir();
    const r = leadscore(['evaluate', '-m', BANK_MODEL, '-l', BANK, '--outcome', 'y', '--positive', 'yes', '-o', out, '--capacity', '5000', '--bootstrap', '50']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/evaluated \d+ leads/);
    const e = JSON.parse(readFileSync(join(out, 'evaluation.json'), 'utf8')) as Ev;
    const o = e.outcome;
    expect(o.evaluated).toBeGreaterThan(45000);
    expect(o.positives + o.negatives).toBe(o.evaluated);
    expect(o.positives / o.evaluated).toBeGreaterThan(0.1);
    expect(o.positives / o.evaluated).toBeLessThan(0.13);
    const m = e.model;
    // a model without `duration` ranks clearly better than chance, far from perfect
    expect(m.auc!).toBeGreaterThan(0.65);
    expect(m.auc!).toBeLessThan(0.9);
    expect(m.auc_ci!.lower).toBeLessThan(m.auc!);
    expect(m.auc_ci!.upper).toBeGreaterThan(m.auc!);
    expect(m.gini!).toBeCloseTo(2 * m.auc! - 1, 10);
    expect(m.ks!.ks).toBeGreaterThan(0.2);
    expect(m.ks!.ks).toBeLessThan(1);
    expect(m.gains).toHaveLength(10);
    expect(m.gains.reduce((a, g) => a + g.leads, 0)).toBe(o.evaluated);
    expect(m.gains[9]!.gain).toBeCloseTo(1, 10);
    // bands: every evaluated lead in one, and conversion falls from the top band down
    expect(m.bands.reduce((a, b) => a + b.leads, 0)).toBe(o.evaluated);
    const conv = m.bands.map((b) => b.conversion!);
    for (let i = 1; i < conv.length; i++) expect(conv[i]!).toBeLessThan(conv[i - 1]!);
    expect(m.rule_analysis.rules.map((x) => x.id)).toContain('previous_outcome');
    expect(m.calibration.applies).toBe(false);
    expect(m.thresholds.suggestion!.point!.leads).toBeLessThanOrEqual(5000);
    const md = readFileSync(join(out, 'evaluation.md'), 'utf8');
    for (const h of ['## Ranking', '## Conversion by band', '## Gains and lift by decile', '## Rule analysis', '## Suggested threshold']) expect(md).toContain(h);
    const scores = readCsv(join(out, 'scores.csv'));
    expect(scores).toHaveLength(o.evaluated);
    expect(Object.keys(scores[0]!)).toEqual(['lead_id', 'score', 'band', 'grade', 'outcome']);
    expect(scores.filter((s) => s.outcome === '1')).toHaveLength(o.positives);
  });

  it('--compare: both models on the same leads, and the band changes between them', () => {
    const dir = tempDir();
    const other = join(dir, 'bank-other.yaml');
    // the same model without the previous campaign's outcome, and with different bands
    const text = readFileSync(join(ROOT, BANK_MODEL), 'utf8')
      .replace('values: { success: 40, other: 8, failure: 4 }', 'values: { success: 0 }')
      .replace('name: bank-marketing', 'name: bank-no-poutcome')
      .replace('- { name: hot, min: 60 }', '- { name: hot, min: 50 }');
    writeFileSync(other, text);
    const r = leadscore(['evaluate', '-m', BANK_MODEL, '-l', BANK, '--outcome', 'y', '--compare', other, '--json', '--bootstrap', '20']);
    expect(r.code).toBe(0);
    const e = JSON.parse(r.stdout) as Ev;
    const c = e.compare!;
    expect(c.leads).toBe(e.outcome.evaluated);
    expect(c.a.auc).toBeCloseTo(e.model.auc!, 12);
    // dropping the strongest rule costs ranking quality
    expect(c.b.auc).toBeLessThan(c.a.auc);
    expect(c.auc_difference).toBeCloseTo(c.b.auc - c.a.auc, 12);
    const total = c.band_changes.counts.flat().reduce((a, x) => a + x, 0);
    expect(total).toBe(c.leads);
    const diagonal = c.band_changes.counts.reduce((a, row, i) => a + row[i]!, 0);
    expect(c.band_changes.changed).toBe(c.leads - diagonal);
    expect(c.band_changes.changed).toBeGreaterThan(0);
    // a model compared with itself changes nothing
    const same = JSON.parse(leadscore(['evaluate', '-m', BANK_MODEL, '-l', BANK, '--outcome', 'y', '--compare', BANK_MODEL, '--json', '--bootstrap', '0']).stdout) as Ev;
    expect(same.compare!.band_changes.changed).toBe(0);
    expect(same.compare!.auc_difference).toBe(0);
  });

  it('exits 3 with the closest column names when the outcome column is missing', () => {
    const out = tempDir();
    const r = leadscore(['evaluate', '-m', BANK_MODEL, '-l', BANK, '--outcome', 'poutcom', '-o', out]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('LS140');
    expect(r.stderr).toContain('"poutcome"');
    expect(existsSync(join(out, 'evaluation.json'))).toBe(false);
  });
});

describe('evaluate on the samples (activities, --outcomes, --as-of)', () => {
  const leads = readCsv(join(ROOT, 'samples/leads.csv'));
  const sampleArgs = ['-m', 'models/b2b-saas.yaml', '-l', 'samples/leads.csv'];

  /** Outcomes for the sample leads (any fixed labelling will do), a few left blank. */
  function outcomesFile(dir: string): string {
    const p = join(dir, 'outcomes.csv');
    const rows = leads.map((l, i) => `${l.lead_id},${i % 17 === 0 ? '' : i % 3 === 0 ? 'Won' : 'lost'}`);
    writeFileSync(p, ['lead_id,stage', ...rows].join('\n') + '\n');
    return p;
  }

  it('an activity after --as-of changes no evaluated score (point-in-time backtest)', () => {
    const dir = tempDir();
    const outcomes = outcomesFile(dir);
    const acts = readFileSync(join(ROOT, 'samples/activities.csv'), 'utf8');
    const later = join(dir, 'activities-later.csv');
    // demo requests and form submits on the day after as-of, for the first 20 leads
    const extra = leads.slice(0, 20).map((l) => `${l.lead_id},demo_request,2026-11-02T10:00:00Z,/demo,web\n${l.lead_id},form_submit,2026-11-02T10:05:00Z,/contact,web`);
    writeFileSync(later, acts.replace(/\n?$/, '\n') + extra.join('\n') + '\n');
    const run = (activities: string, asOf: string) => {
      const out = tempDir();
      const r = leadscore(['evaluate', ...sampleArgs, '-a', activities, '--outcome', 'stage', '--outcomes', outcomes, '--as-of', asOf, '-o', out, '-q']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      return { scores: readFileSync(join(out, 'scores.csv'), 'utf8'), e: JSON.parse(readFileSync(join(out, 'evaluation.json'), 'utf8')) as Ev };
    };
    const before = run(join(ROOT, 'samples/activities.csv'), '2026-11-01');
    const withLater = run(later, '2026-11-01');
    expect(withLater.scores).toBe(before.scores);
    expect(withLater.e.model.auc).toBe(before.e.model.auc);
    // and the same activities do count once as-of has passed them (so the comparison above can fail)
    const after = run(later, '2026-11-03');
    expect(after.scores).not.toBe(run(join(ROOT, 'samples/activities.csv'), '2026-11-03').scores);
  });

  it('joins --outcomes on the lead id, counts blank outcomes, reads Won/lost with --positive', () => {
    const dir = tempDir();
    const outcomes = outcomesFile(dir);
    const r = leadscore(['evaluate', ...sampleArgs, '-a', 'samples/activities.csv', '--as-of', '2026-11-01', '--outcome', 'stage', '--outcomes', outcomes, '--positive', 'won', '--json', '--bootstrap', '10']);
    expect(r.code).toBe(0);
    const e = JSON.parse(r.stdout) as Ev;
    const blank = leads.filter((_, i) => i % 17 === 0).length;
    expect(e.outcome.missing_outcome).toBeGreaterThan(0);
    expect(e.outcome.missing_outcome).toBeLessThanOrEqual(blank);
    expect(e.outcome.evaluated + e.outcome.missing_outcome + e.outcome.not_in_outcomes).toBe(e.outcome.scored);
    expect(e.outcome.positives).toBeGreaterThan(0);
    expect(e.outcome.negatives).toBeGreaterThan(0);
  });

  it('exits 3 (LS143 / LS170), never an undefined AUC with exit 0, when every lead has the same outcome', () => {
    // issue 13: this was exit 0 with "ROC AUC: not defined"; a backtest that cannot rank is an error now
    const dir = tempDir();
    const p = join(dir, 'outcomes.csv');
    writeFileSync(p, ['lead_id,stage', ...leads.map((l) => `${l.lead_id},lost`)].join('\n') + '\n');
    const out = tempDir();
    const r = leadscore(['evaluate', ...sampleArgs, '--as-of', '2026-11-01', '--outcome', 'stage', '--outcomes', p, '-o', out]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('LS143');
    expect(existsSync(join(out, 'evaluation.json'))).toBe(false);
    writeFileSync(p, ['lead_id,stage', ...leads.map((l) => `${l.lead_id},won`)].join('\n') + '\n');
    const w = leadscore(['evaluate', ...sampleArgs, '--as-of', '2026-11-01', '--outcome', 'stage', '--outcomes', p, '--json']);
    expect(w.code).toBe(3);
    expect(w.stderr).toContain('LS170');
    expect(w.stdout).toBe('');
  });

  it('exits 3 (LS140 / LS141) for a missing column of the outcomes file', () => {
    const dir = tempDir();
    const outcomes = outcomesFile(dir);
    const a = leadscore(['evaluate', ...sampleArgs, '--outcome', 'stages', '--outcomes', outcomes]);
    expect(a.code).toBe(3);
    expect(a.stderr).toContain('LS140');
    expect(a.stderr).toContain('"stage"');
    const b = leadscore(['evaluate', ...sampleArgs, '--outcome', 'stage', '--outcomes', outcomes, '--outcomes-id', 'lead']);
    expect(b.code).toBe(3);
    expect(b.stderr).toContain('LS141');
    expect(b.stderr).toContain('"lead_id"');
  });

  it('exits 2 on usage errors and shows help with an example', () => {
    expect(leadscore(['evaluate', ...sampleArgs, '--outcome', 'x', '--capacity', '10', '--target-recall', '0.5']).code).toBe(2);
    expect(leadscore(['evaluate', ...sampleArgs, '--outcome', 'x', '--target-precision', '1.5']).code).toBe(2);
    expect(leadscore(['evaluate', ...sampleArgs]).code).toBe(2);
    const h = leadscore(['evaluate', '--help']);
    expect(h.code).toBe(0);
    expect(h.stdout).toContain('Example:');
    expect(h.stdout).toContain('--outcome');
  });
});
