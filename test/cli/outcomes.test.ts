// --outcomes FILE --outcomes-id COL (evaluate and train): a LEFT join of a closed-deals export on the lead
// id. A lead not in the file did not convert; without --outcome being in the file is the conversion;
// with --outcome its value is read by the converted rule (a date column: a present date converted).
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { leadscore, readCsv, tempDir } from '../helpers/cli.js';
// @ts-expect-error: a plain ESM generator without type declarations
import { generate } from '../fixtures/crm-export/generate.mjs';

interface Facts { ids: string[]; converted: boolean[]; deals: number }
interface Outcome {
  kind: string; evaluated: number; scored: number; positives: number; negatives: number; missing_outcome: number;
  not_in_outcomes: number; matched: number; outcome_ids_not_found: number;
}
interface Ev { outcome: Outcome; model: { auc: number } }

/** AUC by its definition: over every (converted, not converted) pair, 1 when the converted lead scores higher, ½ on a tie. */
function pairwiseAuc(scores: number[], labels: boolean[]): number {
  let wins = 0;
  let pairs = 0;
  for (let i = 0; i < scores.length; i++) {
    if (!labels[i]) continue;
    for (let j = 0; j < scores.length; j++) {
      if (labels[j]) continue;
      pairs++;
      wins += scores[i]! > scores[j]! ? 1 : scores[i] === scores[j] ? 0.5 : 0;
    }
  }
  return wins / pairs;
}

const AS_OF = '2026-03-15T18:00:00Z';

describe('evaluate --outcomes: a closed-deals export keyed by mql_id', () => {
  const dir = tempDir();
  // a third of the ids start with + - = @: scores.csv keeps them as they are (a join key, not guarded)
  const facts = generate({ out: dir, leads: 600, seed: 7, dealIdsElsewhere: 12, formulaIds: 0.3 }) as Facts;
  const base = ['evaluate', '-m', join(dir, 'model.yaml'), '-l', join(dir, 'mqls.csv'), '-a', join(dir, 'activities.csv'), '--as-of', AS_OF,
    '--outcomes', join(dir, 'closed-deals.csv'), '--outcomes-id', 'mql_id', '--bootstrap', '0'];
  const convertedIds = new Set(facts.ids.filter((_, i) => facts.converted[i]));

  it('leads not in the deals file are negatives; the AUC is the pairwise AUC of the scores', () => {
    const out = tempDir();
    const r = leadscore([...base, '-o', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const e = JSON.parse(readFileSync(join(out, 'evaluation.json'), 'utf8')) as Ev;
    expect(e.outcome.kind).toBe('presence');
    expect(e.outcome.evaluated).toBe(600);
    expect(e.outcome.positives).toBe(convertedIds.size);
    expect(e.outcome.negatives).toBe(600 - convertedIds.size);
    expect(e.outcome.matched).toBe(convertedIds.size);
    expect(e.outcome.not_in_outcomes).toBe(600 - convertedIds.size);
    expect(e.outcome.outcome_ids_not_found).toBe(12);
    // the terminal says how the join went
    expect(r.stdout).toContain(`outcomes: ${convertedIds.size} leads matched`);
    expect(r.stdout).toContain(`${600 - convertedIds.size} not in it (not converted); 12 of its ids not among the scored leads`);
    // hand computation: the labels from the generator (not from evaluate), the scores from scores.csv
    const rows = readCsv(join(out, 'scores.csv'));
    expect(rows).toHaveLength(600);
    expect(rows.filter((x) => /^[+=@-]/.test(x.lead_id!)).length).toBeGreaterThan(100);
    const labels = rows.map((x) => convertedIds.has(x.lead_id!));
    expect(rows.map((x) => x.outcome)).toEqual(labels.map((l) => (l ? '1' : '0')));
    const auc = pairwiseAuc(rows.map((x) => Number(x.score)), labels);
    expect(auc).toBeGreaterThan(0.6);
    expect(e.model.auc).toBeCloseTo(auc, 12);
  });

  it('--outcome won_date reads the date column: a present date converted, the same AUC', () => {
    const a = JSON.parse(leadscore([...base, '--json']).stdout) as Ev;
    const r = leadscore([...base, '--outcome', 'won_date', '--json']);
    expect(r.code).toBe(0);
    // the join counts go to stderr when stdout is the report
    expect(r.stderr).toMatch(/outcomes: \d+ leads matched/);
    const b = JSON.parse(r.stdout) as Ev;
    expect(b.outcome.kind).toBe('dates');
    expect(b.outcome.positives).toBe(convertedIds.size);
    expect(b.model.auc).toBe(a.model.auc);
  });

  it('a wrong --outcomes-id or a deals file without the leads is exit 3 LS143 with a hint, nothing written', () => {
    const out = tempDir();
    const r = leadscore([...base.slice(0, -4), '--outcomes-id', 'seller_id', '--bootstrap', '0', '-o', out]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('LS143');
    expect(r.stderr).toContain('--outcomes-id');
    expect(existsSync(join(out, 'evaluation.json'))).toBe(false);
  });

  it('every lead in the deals file is exit 3 LS170', () => {
    const d = tempDir();
    writeFileSync(join(d, 'all.csv'), ['mql_id', ...facts.ids].join('\n') + '\n');
    const r = leadscore([...base.slice(0, -6), '--outcomes', join(d, 'all.csv'), '--outcomes-id', 'mql_id']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('LS170');
  });

  it('--outcome or --outcomes is required, --positive needs --outcome (exit 2, LS142)', () => {
    const r = leadscore(['evaluate', '-m', join(dir, 'model.yaml'), '-l', join(dir, 'mqls.csv')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('LS142');
    const p = leadscore([...base, '--positive', 'won']);
    expect(p.code).toBe(2);
    expect(p.stderr).toContain('LS142');
  });
});

describe('evaluate --outcomes: a hand-computed AUC', () => {
  it('six leads, two deals keyed by another column: AUC 6/8', () => {
    const d = tempDir();
    writeFileSync(join(d, 'model.yaml'), `version: 1
name: tiny
input: { leads: { id: lead_id } }
fit: { rules: [ { id: pts, field: points, ranges: [ { min: 30, points: 30 }, { min: 20, points: 20 }, { min: 10, points: 10 }, { min: 0, points: 0 } ] } ] }
bands: [ { name: hot, min: 25 }, { name: cold } ]
`);
    // scores: a 30, b 20, c 20, d 10, e 0, f 30
    writeFileSync(join(d, 'leads.csv'), 'lead_id,points\na,30\nb,20\nc,20\nd,10\ne,0\nf,30\n');
    // converted: a (30) and c (20); g is a deal of a lead not in this export
    writeFileSync(join(d, 'deals.csv'), 'deal,crm_lead\n1,c\n2,a\n3,g\n');
    // by hand, (converted, not converted) pairs, a tie counts ½:
    // a (30) vs b 20, d 10, e 0, f 30: 1 + 1 + 1 + ½ = 3.5; c (20) vs the same: ½ + 1 + 1 + 0 = 2.5
    // 6 of 8 pairs: AUC 0.75
    const r = leadscore(['evaluate', '-m', join(d, 'model.yaml'), '-l', join(d, 'leads.csv'), '--outcomes', join(d, 'deals.csv'), '--outcomes-id', 'crm_lead', '--json', '--bootstrap', '0']);
    expect(r.code).toBe(0);
    const e = JSON.parse(r.stdout) as Ev;
    expect(e.outcome.positives).toBe(2);
    expect(e.outcome.negatives).toBe(4);
    expect(e.outcome.outcome_ids_not_found).toBe(1);
    expect(e.model.auc).toBe(0.75);
  });
});

describe('train --outcomes', () => {
  const dir = tempDir();
  const facts = generate({ out: dir, leads: 800, seed: 3 }) as Facts;
  const positives = facts.converted.filter(Boolean).length;

  it('trains on every lead: those in the deals file converted, the others did not', () => {
    const model = join(dir, 'trained.yaml');
    const r = leadscore(['train', '-l', join(dir, 'mqls.csv'), '--id', 'mql_id', '--outcomes', join(dir, 'closed-deals.csv'), '--outcomes-id', 'mql_id',
      '--exclude', 'email,first_contact_date', '-o', model, '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { rows: number; positives: { train: number; holdout: number }; outcomes: { matched: number; not_in_outcomes: number; outcome_ids_not_found: number } };
    expect(j.rows).toBe(800);
    expect(j.positives.train + j.positives.holdout).toBe(positives);
    expect(j.outcomes).toEqual({ matched: positives, not_in_outcomes: 800 - positives, outcome_ids_not_found: 20 });
    expect(leadscore(['validate', model]).code).toBe(0);
  });

  it('--outcome won_date gives the same outcome (a date column)', () => {
    const r = leadscore(['train', '-l', join(dir, 'mqls.csv'), '--id', 'mql_id', '--outcomes', join(dir, 'closed-deals.csv'), '--outcomes-id', 'mql_id',
      '--outcome', 'won_date', '--exclude', 'email,first_contact_date', '-o', join(dir, 'dated.yaml'), '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { positives: { train: number; holdout: number } };
    expect(j.positives.train + j.positives.holdout).toBe(positives);
  });

  it('a won_date column of the leads file: empty cells are negatives, not skipped', () => {
    const d = tempDir();
    const lines = readFileSync(join(dir, 'mqls.csv'), 'utf8').trimEnd().split('\n');
    const won = new Set(facts.ids.filter((_, i) => facts.converted[i]));
    const withDate = [lines[0] + ',won_date', ...lines.slice(1).map((l) => `${l},${won.has(l.split(',')[0]!) ? '2026-02-01' : ''}`)];
    writeFileSync(join(d, 'leads.csv'), withDate.join('\n') + '\n');
    const r = leadscore(['train', '-l', join(d, 'leads.csv'), '--id', 'mql_id', '--outcome', 'won_date', '--exclude', 'email,first_contact_date', '-o', join(d, 'm.yaml'), '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { rows: number; positives: { train: number; holdout: number }; skipped: { missingOutcome: number } };
    expect(j.rows).toBe(800);
    expect(j.skipped.missingOutcome).toBe(0);
    expect(j.positives.train + j.positives.holdout).toBe(positives);
  });
});
