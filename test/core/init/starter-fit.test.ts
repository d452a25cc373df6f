// `init` fits the data: band thresholds scaled to the highest score the model can give (the fit-only
// bug: 80/50/20 against a maximum of 1), placeholders found by frequency into null_values, CRM columns
// recognised, and points from the data with --outcome (outcome-points.ts).
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildStarterModel } from '../../../src/core/init/starter-model.js';
import { outcomePoints } from '../../../src/core/init/outcome-points.js';
import { model, scoreRows } from '../../helpers/score-harness.js';

const AS_OF = '2026-11-01T00:00:00Z';
const bandsOf = (yaml: string) => (parse(yaml).bands as { name: string; min?: number }[]);

describe('init band thresholds', () => {
  it('a fit-only model whose best lead scores 1 gets bands at 0.8 / 0.5 / 0.2 of it, and its top band is reached', () => {
    // no column is recognised: the fallback rule is worth 1 point
    const sample = { file: 'x.csv', truncated: false, header: ['a', 'b'], rows: [['1', 'q'], ['2', 'r'], ['3', 'q']] };
    const m = buildStarterModel({ leads: sample, version: '1' });
    const bands = bandsOf(m.yaml);
    const best = Math.max(...(parse(m.yaml).fit.rules as { points?: number; values?: Record<string, number> }[])
      .map((r) => r.points ?? Math.max(...Object.values(r.values ?? { x: 0 }))));
    expect(bands.map((b) => b.min)).toEqual([0.8 * best, 0.5 * best, 0.2 * best, undefined]);
    expect(m.yaml).toContain(`# The highest score this model can give is ${best} (the best value of every fit rule), so the band thresholds are 80%, 50% and 20% of it.`);
    const { byId } = scoreRows(model(m.yaml), sample.rows.map(([a, b]) => ({ a: a!, b: b! })), [], AS_OF);
    const top = Math.max(...[...byId.values()].map((l) => l.score));
    expect(top).toBeGreaterThanOrEqual(bands[0]!.min!);
  });

  it('keeps 80 / 50 / 20 when the model can reach 100', () => {
    const rows = Array.from({ length: 40 }, (_, i) => [`L${i}`, ['CEO', 'Sales Manager'][i % 2]!, ['IT', 'Sales'][i % 2]!, String(10 + i * 37), ['US', 'DE'][i % 2]!, ['Retail', 'SaaS'][i % 2]!, ['Reference', 'Google'][i % 2]!, ['Working Professional', 'Student'][i % 2]!, String(i * 30), String(i % 7), ['Form Submitted', 'Had a Phone Conversation'][i % 2]!]);
    const m = buildStarterModel({ leads: { file: 'l.csv', truncated: false, header: ['lead_id', 'job_title', 'department', 'employees', 'country', 'industry', 'Lead Source', 'Occupation', 'Time on site', 'Page Views', 'Last Activity'], rows }, version: '1' });
    expect(m.yaml).not.toContain('The highest score this model can give');
    expect(bandsOf(m.yaml).map((b) => b.min)).toEqual([80, 50, 20, undefined]);
  });
});

describe('init on a CRM export', () => {
  const header = ['Prospect ID', 'Lead Source', 'Lead Origin', 'What is your current occupation', 'Specialization', 'Do Not Email', 'Total Time Spent on Website', 'Page Views Per Visit', 'TotalVisits', 'Last Activity', 'City'];
  const rows = Array.from({ length: 200 }, (_, i) => [
    `p-${i}`, ['Google', 'Reference', 'Olark Chat'][i % 3]!, ['API', 'Lead Add Form'][i % 2]!, ['Unemployed', 'Working Professional'][i % 2]!,
    i % 4 === 0 ? 'Select' : 'Finance Management', i % 10 === 0 ? 'Yes' : 'No', String(i * 7), (i % 5).toFixed(2), String(i % 9),
    ['Email Opened', 'Email Bounced', 'Had a Phone Conversation'][i % 3]!, i === 7 ? '?' : i % 6 === 0 ? '-' : 'Mumbai',
  ]);

  it('finds the placeholders by frequency (Select, -) and leaves a token seen once (?) alone', () => {
    const m = buildStarterModel({ leads: { file: 'Leads.csv', truncated: false, header, rows }, version: '1' });
    const nulls = parse(m.yaml).input.leads.null_values as string[];
    expect(nulls).toEqual(expect.arrayContaining(['Select', '-']));
    expect(nulls).not.toContain('?');
  });

  it('recognises the CRM columns and writes rules for them', () => {
    const m = buildStarterModel({ leads: { file: 'Leads.csv', truncated: false, header, rows }, version: '1' });
    expect(Object.fromEntries(Object.entries(m.leads).map(([r, p]) => [r, p.name]))).toMatchObject({
      id: 'Prospect ID', lead_source: 'Lead Source', lead_origin: 'Lead Origin', occupation: 'What is your current occupation',
      industry: 'Specialization', do_not_email: 'Do Not Email', time_on_site: 'Total Time Spent on Website',
      page_views: 'Page Views Per Visit', visits: 'TotalVisits', last_activity: 'Last Activity',
    });
    const rules = Object.fromEntries((parse(m.yaml).fit.rules as { id: string }[]).map((r) => [r.id, r])) as Record<string, any>;
    expect(rules.lead_source.values.Reference).toBeGreaterThan(rules.lead_source.values.Google);
    expect(rules.occupation.values['Working Professional']).toBeGreaterThan(rules.occupation.values.Unemployed);
    expect(rules.do_not_email.if).toEqual({ field: 'Do Not Email', in: ['Yes'] });
    expect(rules.last_activity.values['Email Bounced']).toBeLessThan(0);
    expect(rules.last_activity.values['Had a Phone Conversation']).toBeGreaterThan(0);
    expect(rules.time_on_site.ranges.length).toBeGreaterThan(1);
    expect(() => model(m.yaml)).not.toThrow();
  });
});

describe('outcomePoints (init --outcome)', () => {
  const n = 600;
  const header = ['id', 'source', 'visits', 'status', 'lead_no'];
  // a referral converts 80 %, the rest about 30 %
  const y = Uint8Array.from({ length: n }, (_, i) => (i % 4 === 0 ? (i % 20 === 0 ? 0 : 1) : (i * 7) % 10 < 3 ? 1 : 0));
  const rows = Array.from({ length: n }, (_, i) => [
    `u${i}`,
    i % 4 === 0 ? 'Referral' : ['Google', 'Ads'][i % 2]!,
    String((i % 7) + 3 * y[i]!),
    y[i] ? 'Closed won' : 'Lost',
    String(1000 + i),
  ]);

  it('per-value conversion against the average; numbers in bins; ids and leaky columns left out with why', () => {
    const r = outcomePoints(header, rows, y, new Set([0]), ['']);
    const byCol = new Map(r.rules.map((x) => [x.column, x]));
    expect([...byCol.keys()].sort()).toEqual(['source', 'visits']);
    const source = byCol.get('source')!;
    const pts = Object.fromEntries(source.options.filter((o) => o.option.kind === 'value').map((o) => [(o.option as { value: string }).value, o.points]));
    expect(pts.Referral).toBeGreaterThan(pts.Google!);
    expect(Math.min(...source.options.map((o) => o.points))).toBe(0); // shifted so the lowest is 0
    const visits = byCol.get('visits')!;
    expect(visits.options.every((o) => o.option.kind === 'range')).toBe(true);
    const left = new Map(r.leftOut.map((x) => [x.column, x.reason]));
    expect(left.get('status')).toMatch(/looks recorded after the outcome/);
    expect(left.get('lead_no')).toMatch(/sequential with the row number/);
    expect(r.average).toBeCloseTo(r.positives / n, 12);
    expect(r.bands.map((b) => b.name)).toContain('cold');
  });
});
