// `leadscore init --outcome` end to end on the CRM-like export (test/fixtures/crm/make.mjs): points from
// the data rank leads usefully out of the box, with the ids and the planted post-outcome columns left out
// and a comment saying why; the written model validates against the file.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { leadscore, ROOT, tempDir } from '../helpers/cli.js';

describe('leadscore init --outcome on a CRM-like export', () => {
  const dir = tempDir('leadscore-init-outcome-');
  const leads = join(dir, 'Leads.csv');
  const model = join(dir, 'starter.yaml');
  let text = '';
  beforeAll(() => {
    execFileSync(process.execPath, [join(ROOT, 'test/fixtures/crm/make.mjs'), leads], { stdio: 'ignore' });
    const r = leadscore(['init', '-l', leads, '--outcome', 'Converted', '-o', model]);
    expect(r.code, r.stderr).toBe(0);
    text = readFileSync(model, 'utf8');
  }, 120_000);

  it('leaves out the id, the sequential Lead Number and the post-outcome Tags and Lead Quality, saying why', () => {
    const rules = (parse(text).fit.rules as { field?: string; if?: { field: string } }[]).map((r) => r.field ?? r.if?.field);
    for (const c of ['Prospect ID', 'Lead Number', 'Tags', 'Lead Quality', 'Converted']) expect(rules).not.toContain(c);
    expect(text).toContain('# Not a rule: Prospect ID is the lead id.');
    expect(text).toMatch(/# Left out: Lead Number: sequential with the row number/);
    expect(text).toMatch(/# Left out: Tags: looks recorded after the outcome/);
    expect(text).toMatch(/# Left out: Lead Quality: looks recorded after the outcome/);
  });

  it('sets points from the conversion per value: the referral source above search, Select read as missing', () => {
    const doc = parse(text);
    expect(doc.input.leads.null_values).toContain('Select');
    const source = (doc.fit.rules as { id: string; values?: Record<string, number> }[]).find((r) => r.id === 'lead_source')!;
    expect(source.values!.Reference).toBeGreaterThan(source.values!.Google!);
    expect(text).toMatch(/Reference: \d+ +# \d+ leads, \d+\.\d% converted/);
  });

  it('validates, and ranks the leads usefully (evaluate AUC well above chance)', () => {
    const v = leadscore(['validate', model, '-l', leads]);
    expect(v.code, v.stdout + v.stderr).toBe(0);
    const e = leadscore(['evaluate', '-m', model, '-l', leads, '--outcome', 'Converted', '--json']);
    expect(e.code, e.stderr).toBe(0);
    expect(JSON.parse(e.stdout).model.auc).toBeGreaterThan(0.75);
    // bands from the sample's scores: every band is reached
    const out = join(dir, 'scored');
    const s = leadscore(['score', '-m', model, '-l', leads, '-o', out, '-q']);
    expect(s.code, s.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    for (const b of summary.bands as { name: string; count: number }[]) expect(b.count, b.name).toBeGreaterThan(0);
  });

  it('a column that is not in the header is an input error (exit 3, LS140), and nothing is written', () => {
    const r = leadscore(['init', '-l', leads, '--outcome', 'Won', '-o', join(dir, 'x.yaml')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/LS140/);
  });
});
