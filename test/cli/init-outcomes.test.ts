// `leadscore init --outcomes FILE --outcomes-id COL`: the points from the data, with the outcome in a
// closed-deals export keyed by its own deal id and naming the lead in another column
// (test/fixtures/crm/closed-deals.mjs). The LEFT join is evaluate's and train's (src/io/outcomes.ts): a
// lead not in the file did not convert. Reading the same outcome three ways (being in closed-won.csv;
// deals.csv's won_date; its stage) gives the same starter as `--outcome Converted` on the original file.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { leadscore, tempDir } from '../helpers/cli.js';
// @ts-expect-error: plain ESM generators without type declarations
import { closedDeals } from '../fixtures/crm/closed-deals.mjs';
// @ts-expect-error: plain ESM generators without type declarations
import { crmLeadsCsv } from '../fixtures/crm/make.mjs';

const ROWS = 3000;

describe('leadscore init --outcomes: a closed-deals export keyed by another id', () => {
  const dir = tempDir('leadscore-init-outcomes-');
  const f = (name: string) => join(dir, name);
  const body = (path: string) => {
    const doc = parse(readFileSync(path, 'utf8'));
    return JSON.stringify({ fit: doc.fit, bands: doc.bands, nulls: doc.input.leads.null_values });
  };
  let closedWon: { code: number | null; stderr: string };
  let reference = '';
  beforeAll(() => {
    const d = closedDeals({ rows: ROWS, seed: 7 }) as { leadsCsv: string; closedWonCsv: string; dealsCsv: string; converted: number };
    writeFileSync(f('Leads.csv'), d.leadsCsv);
    writeFileSync(f('closed-won.csv'), d.closedWonCsv);
    writeFileSync(f('deals.csv'), d.dealsCsv);
    writeFileSync(f('Full.csv'), (crmLeadsCsv({ rows: ROWS, seed: 7 }) as { csv: string }).csv);
    const r = leadscore(['init', '-l', f('Full.csv'), '--outcome', 'Converted', '-o', f('reference.yaml')]);
    expect(r.code, r.stderr).toBe(0);
    reference = body(f('reference.yaml'));
    closedWon = leadscore(['init', '-l', f('Leads.csv'), '--outcomes', f('closed-won.csv'), '--outcomes-id', 'lead_ref', '-o', f('closed-won.yaml')]);
  }, 120_000);

  it('being in closed-won.csv is the conversion: the same rules, bands and null values as --outcome Converted', () => {
    expect(closedWon.code, closedWon.stderr).toBe(0);
    expect(body(f('closed-won.yaml'))).toBe(reference);
    // the join's counts, with the deals of leads from elsewhere
    expect(closedWon.stderr).toMatch(/outcomes: \d+ of the 3000 leads matched in .*closed-won\.csv \(on lead_ref\), \d+ not in it \(not converted\); 25 of its ids not among the 3000 leads/);
    const text = readFileSync(f('closed-won.yaml'), 'utf8');
    expect(text.replace(/\n# /g, ' ')).toMatch(/Outcome: being in \S*closed-won\.csv, left-joined on Prospect ID \(lead_ref in \S*closed-won\.csv\): a lead not in it did not convert/);
    const doc = parse(text);
    expect(doc.input.leads.id).toBe('Prospect ID');
    expect(doc.input.leads.null_values).toContain('Select'); // the placeholder, found by frequency
    const source = (doc.fit.rules as { id: string; values?: Record<string, number> }[]).find((x) => x.id === 'lead_source')!;
    expect(source.values!.Reference).toBeGreaterThan(source.values!.Google!);
  });

  it('a date column of the deals (won_date: a date converts, an empty cell does not) and a stage column read the same outcome', () => {
    for (const col of ['won_date', 'stage']) {
      const r = leadscore(['init', '-l', f('Leads.csv'), '--outcomes', f('deals.csv'), '--outcomes-id', 'lead_ref', '--outcome', col, '-o', f(`${col}.yaml`)]);
      expect(r.code, r.stderr).toBe(0);
      expect(body(f(`${col}.yaml`)), col).toBe(reference);
    }
    expect(readFileSync(f('won_date.yaml'), 'utf8').replace(/\n# /g, ' ')).toMatch(/Outcome: column won_date of \S*deals\.csv \(converted: /);
  });

  it('the starter ranks usefully: evaluate with the same join gives the AUC of the reference on the original file', () => {
    const e = leadscore(['evaluate', '-m', f('closed-won.yaml'), '-l', f('Leads.csv'), '--outcomes', f('closed-won.csv'), '--outcomes-id', 'lead_ref', '--bootstrap', '0', '--json']);
    expect(e.code, e.stderr).toBe(0);
    const ref = leadscore(['evaluate', '-m', f('reference.yaml'), '-l', f('Full.csv'), '--outcome', 'Converted', '--bootstrap', '0', '--json']);
    expect(ref.code, ref.stderr).toBe(0);
    const auc = JSON.parse(e.stdout).model.auc as number;
    expect(auc).toBe(JSON.parse(ref.stdout).model.auc);
    expect(auc).toBeGreaterThan(0.75);
  });

  it('mistakes: --outcomes-id without --outcomes (exit 2, LS142); an id column not in the file (exit 3, LS141); ids that join no lead (exit 3, LS144); nothing written', () => {
    const out = f('x.yaml');
    const a = leadscore(['init', '-l', f('Leads.csv'), '--outcomes-id', 'lead_ref', '-o', out]);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('LS142');
    const b = leadscore(['init', '-l', f('Leads.csv'), '--outcomes', f('closed-won.csv'), '--outcomes-id', 'mql_id', '-o', out]);
    expect(b.code).toBe(3);
    expect(b.stderr).toContain('LS141');
    expect(b.stderr).toContain('lead_ref'); // the closest column names
    // the default id column (the leads' Prospect ID) is not in the deals file; the deal id joins nothing
    const c = leadscore(['init', '-l', f('Leads.csv'), '--outcomes', f('closed-won.csv'), '--outcomes-id', 'deal_id', '-o', out]);
    expect(c.code).toBe(3);
    expect(c.stderr).toMatch(/LS144 the sample has 0 converted/);
    expect(c.stderr).toMatch(/hint: no lead id of the sample is in .*check --outcomes-id/);
    expect(existsSync(out)).toBe(false);
  });
});
