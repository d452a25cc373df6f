// `leadscore init` end to end: on every bundled sample and on the bank-marketing export (no id column,
// `;`-delimited), the written model validates against the files and scores them.
import { BANK_FULL } from '../helpers/data.js';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { leadscore, tempDir } from '../helpers/cli.js';

const BANK = BANK_FULL;

const cases: { name: string; leads: string; activities?: string; engagement: boolean }[] = [
  { name: 'b2b sample', leads: 'samples/leads.csv', activities: 'samples/activities.csv', engagement: true },
  { name: 'product-led trial', leads: 'samples/product-led-trial/leads.csv', activities: 'samples/product-led-trial/activities.csv', engagement: true },
  { name: 'bant services (leads only)', leads: 'samples/bant-services/leads.csv', engagement: false },
  { name: 'bant services', leads: 'samples/bant-services/leads.csv', activities: 'samples/bant-services/activities.csv', engagement: true },
  { name: 'bank marketing', leads: BANK, engagement: false },
];

describe('leadscore init', () => {
  it.each(cases)('$name: writes a model that validates and scores', ({ leads, activities, engagement }) => {
    const dir = tempDir();
    const model = join(dir, 'model.yaml');
    const a = activities ? ['-a', activities] : [];
    const init = leadscore(['init', '-l', leads, ...a, '-o', model]);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toBe('');
    const text = readFileSync(model, 'utf8');
    expect(text.startsWith('# Starter model written by `leadscore init`')).toBe(true);
    const raw = parse(text) as Record<string, any>;
    expect(raw.engagement !== undefined).toBe(engagement);
    expect(raw.bands.map((b: { name: string }) => b.name)).toEqual(['SQL', 'MQL', 'IQL', 'cold']);
    expect(raw.grade).toBeDefined();

    const v = leadscore(['validate', model, '-l', leads, ...a]);
    expect(v.code, v.stdout).toBe(0);
    const out = join(dir, 'out');
    const s = leadscore(['score', '-m', model, '-l', leads, ...a, '-o', out, '--as-of', '2026-11-01']);
    expect(s.code, s.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.counts.scored).toBeGreaterThan(0);
    // the starter fit rules fire on the data they came from
    const rules = summary.rules as { id: string; section: string; fired: number }[];
    expect(rules.filter((r) => r.section === 'fit' && r.fired > 0).length).toBeGreaterThan(0);
    if (engagement) expect(rules.filter((r) => r.section === 'engagement' && r.fired > 0).length).toBeGreaterThan(0);
  }, 60_000);

  it('recognises the b2b sample columns and suggests points per activity type from the built-in table', () => {
    const r = leadscore(['init', '-l', 'samples/leads.csv', '-a', 'samples/activities.csv']);
    expect(r.code).toBe(0);
    const m = parse(r.stdout) as Record<string, any>;
    expect(m.input.leads.id).toBe('lead_id');
    expect(m.input.activities).toEqual({ lead_id: 'lead_id', type: 'activity_type', timestamp: 'occurred_at' });
    const fit = Object.fromEntries(m.fit.rules.map((x: { id: string }) => [x.id, x]));
    expect(Object.keys(fit)).toEqual(expect.arrayContaining(['c_level', 'manager_or_director', 'department', 'company_size', 'country', 'industry', 'free_email']));
    expect(fit.c_level.if.field).toBe('job_title');
    expect(fit.company_size.ranges.length).toBeGreaterThanOrEqual(2);
    expect(fit.free_email.if.ends_with).toContain('@gmail.com');
    const eng = Object.fromEntries(m.engagement.rules.map((x: { id: string }) => [x.id, x]));
    expect(eng.email_open.points).toBe(1);
    expect(eng.email_click.points).toBe(3);
    expect(eng.form_submit.points).toBe(5);
    expect(eng.webinar.points).toBe(15);
    expect(eng.demo_request.points).toBe(25);
    expect(eng.demo_request.type).toEqual(expect.arrayContaining(['demo_request', 'trial_signup']));
    expect(eng.unsubscribe.points).toBe(-20);
    expect(eng.page_view.points).toBe(2);
    expect(eng.pricing_visit.if).toEqual({ field: 'detail', contains: '/pricing' });
    expect(m.quality.map((q: { id: string }) => q.id)).toEqual(expect.arrayContaining(['bad_email', 'disposable_email']));
    expect(m.quality.find((q: { id: string }) => q.id === 'bad_email').action).toBe('reject');
  });

  it('bank marketing: no id-like column, so leads are keyed by $row', () => {
    const r = leadscore(['init', '-l', BANK, '-o', '-']);
    expect(r.code).toBe(0);
    const m = parse(r.stdout) as Record<string, any>;
    expect(m.input.leads.id).toBe('$row');
    expect(m.engagement).toBeUndefined();
  });

  it('refuses to replace an existing file without --force (exit 2), replaces it with --force', () => {
    const model = join(tempDir(), 'model.yaml');
    writeFileSync(model, 'keep me\n');
    const r = leadscore(['init', '-l', 'samples/leads.csv', '-o', model]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--force');
    expect(readFileSync(model, 'utf8')).toBe('keep me\n');
    const f = leadscore(['init', '-l', 'samples/leads.csv', '-o', model, '--force']);
    expect(f.code).toBe(0);
    expect(readFileSync(model, 'utf8')).toContain('version: 1');
  });

  it('a missing leads file is an input error (exit 3, LS101), and nothing is written', () => {
    const model = join(tempDir(), 'model.yaml');
    const r = leadscore(['init', '-l', 'samples/nope.csv', '-o', model]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('LS101');
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(existsSync(model)).toBe(false);
  });

  it('a header without data rows is an input error (exit 3)', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'empty.csv'), 'lead_id,email\n');
    const r = leadscore(['init', '-l', join(dir, 'empty.csv')]);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
  });
});
