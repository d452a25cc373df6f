import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModelFile, loadModelText } from '../../../src/io/model-file.js';
import { checkColumns, validateModel } from '../../../src/core/model/validate.js';
import { DIAGNOSTIC_CODES } from '../../../src/core/model/codes.js';
import type { Diagnostic, Model } from '../../../src/core/model/types.js';
import { DEFAULT_NULL_VALUES } from '../../../src/core/model/types.js';

const root = join(import.meta.dirname, '..', '..', '..');
const fixtures = join(root, 'test', 'fixtures', 'invalid-models');
const codes = (ds: Diagnostic[]) => [...new Set(ds.map((d) => d.code))].sort();
const all = (r: { errors: Diagnostic[]; warnings: Diagnostic[] }) => [...r.errors, ...r.warnings];

function valid(yaml: string): Model {
  const { result } = loadModelText(yaml, 'test.yaml');
  expect(result.errors).toEqual([]);
  expect(result.value).toBeDefined();
  return result.value as Model;
}

const HEAD = `version: 1
name: t
input:
  leads: { id: lead_id }
  activities: { lead_id: lead_id, type: activity_type, timestamp: occurred_at }
`;
const BANDS = `bands:
  - { name: hot, min: 50 }
  - { name: cold }
`;

describe('invalid models (test/fixtures/invalid-models/*.yaml, "# expect:" first line)', () => {
  const files = readdirSync(fixtures).filter((f) => f.endsWith('.yaml')).sort();
  it('has at least 30 cases', () => expect(files.length).toBeGreaterThanOrEqual(30));
  it.each(files)('%s', (file) => {
    const text = readFileSync(join(fixtures, file), 'utf8');
    const m = /^# expect: (.+)$/m.exec(text.split('\n')[0] ?? '');
    expect(m, `${file} starts with "# expect: LSxxx, ..."`).not.toBeNull();
    const expected = (m?.[1] ?? '').split(',').map((s) => s.trim()).filter(Boolean).sort();
    const { result } = loadModelText(text, file);
    expect(codes(all(result))).toEqual(expected);
    for (const d of all(result)) {
      expect(Object.keys(DIAGNOSTIC_CODES)).toContain(d.code);
      expect(d.severity).toBe(DIAGNOSTIC_CODES[d.code as keyof typeof DIAGNOSTIC_CODES].severity);
      expect(d.file).toBe(file);
      expect(d.hint, `${d.code} has a hint`).toBeTruthy();
      if (d.code !== 'LS004') {
        expect(d.line, `${d.code} ${d.message} has a line`).toBeGreaterThan(0);
        expect(d.col).toBeGreaterThan(0);
      }
    }
    const hasErrors = result.errors.length > 0;
    expect(result.value === undefined).toBe(hasErrors);
  });
});

describe('a model with five different mistakes', () => {
  const text = `version: 1
name: five
input:
  leads: { id: lead_id }
  activities: { lead_id: lead_id, type: activity_type, timestamp: occurred_at }
fit:
  rules:
    - id: big
      if: { field: employees, gretaer_than: 500 }
      points: 10
    - { id: c_level, if: { field: job_title, matches: "(?=a)" }, points: 15 }
engagement:
  half_life_days: 0
  rules:
    - { id: big, type: form_submit, points: 5 }
bands:
  - { name: MQL, min: 50 }
  - { name: SQL, min: 80 }
  - { name: cold }
`;
  it('reports all five, each with its line and column', () => {
    const { result } = loadModelText(text, 'five.yaml');
    expect(result.value).toBeUndefined();
    const got = result.errors.map((d) => [d.code, d.line, d.col, d.path]);
    expect(got).toEqual(
      expect.arrayContaining([
        ['LS012', 9, 31, 'fit.rules[0].if.gretaer_than'],
        ['LS052', 11, 55, 'fit.rules[1].if.matches'],
        ['LS060', 13, 19, 'engagement.half_life_days'],
        ['LS020', 15, 13, 'engagement.rules[0].id'],
        ['LS030', 18, 23, 'bands[1].min'],
      ]),
    );
    expect(codes(result.errors)).toEqual(['LS012', 'LS020', 'LS030', 'LS052', 'LS060']);
  });
  it('suggests the operator that was meant', () => {
    const { result } = loadModelText(text, 'five.yaml');
    const d = result.errors.find((e) => e.code === 'LS012');
    expect(d?.message).toContain('"gt"');
  });
});

describe('diagnostics', () => {
  it('suggests the closest valid key for an unknown key', () => {
    const { result } = loadModelText(HEAD + 'fit:\n  rulez: []\n' + BANDS, 'm.yaml');
    const d = result.errors.find((e) => e.code === 'LS010');
    expect(d?.message).toContain('did you mean "rules"');
    expect(d?.path).toBe('fit.rulez');
    expect([d?.line, d?.col]).toEqual([7, 3]);
  });
  it('never throws on garbage input', () => {
    for (const raw of [null, undefined, 42, 'x', [], [1, 2], { version: { a: 1 } }, { fit: 'x', engagement: [], bands: 'y', quality: {} }]) {
      const r = validateModel(raw);
      expect(r.value).toBeUndefined();
      expect(r.errors.length).toBeGreaterThan(0);
    }
  });
  it('accepts plain objects as well as Maps', () => {
    const r = validateModel({ version: 1, name: 'x', input: { leads: { id: '$row' } }, fit: { rules: [{ id: 'a', if: { field: 'f', present: true }, points: 1 }] }, bands: [{ name: 'all' }] });
    expect(r.errors).toEqual([]);
    expect(r.value?.input.leads.id).toBe('$row');
  });
  it('a missing file is a diagnostic', async () => {
    const { result } = await loadModelFile(join(root, 'no-such-model.yaml'));
    expect(codes(result.errors)).toEqual(['LS003']);
  });
  it('every code is documented in docs/diagnostics.md', () => {
    const doc = readFileSync(join(root, 'docs', 'diagnostics.md'), 'utf8');
    for (const code of Object.keys(DIAGNOSTIC_CODES)) expect(doc, code).toContain(code);
  });
});

describe('normalisation', () => {
  it('fills defaults and turns single strings into lists', () => {
    const m = valid(`${HEAD}fit:
  rules:
    - { id: mgr, if: { field: job_title, contains: manager }, points: 10 }
    - { id: dept, field: department, values: { IT: 15, Finance: 10 } }
engagement:
  half_life_days: 30
  rules:
    - { id: form, type: form_submit, points: 5 }
    - { id: demo, type: [demo_request, trial_signup], points: 25, decay: false, max_count: 2, max_points: 40, interest: buying }
  signals:
    - { id: surge, if: { field: engagement_7d, gte: 30 }, flag: fast_track }
quality:
  - { id: bad_email, check: email_syntax, field: email, action: reject }
  - { id: spam_name, if: { field: first_name, starts_with: test }, points: -30, flag: spam }
${BANDS}`);
    expect(m.input.leads.nullValues).toEqual(DEFAULT_NULL_VALUES);
    const mgr = m.fit.rules[0];
    expect(mgr).toMatchObject({ kind: 'if', id: 'mgr', points: 10, path: 'fit.rules[0]' });
    expect(mgr?.kind === 'if' && mgr.condition).toEqual({ kind: 'leaf', field: 'job_title', ops: [{ op: 'contains', value: ['manager'] }], path: 'fit.rules[0].if' });
    expect(m.fit.rules[1]).toMatchObject({ kind: 'values', field: 'department', values: [{ key: 'IT', points: 15 }, { key: 'Finance', points: 10 }] });
    expect(m.engagement.halfLifeDays).toBe(30);
    expect(m.engagement.rules[0]).toEqual({ id: 'form', path: 'engagement.rules[0]', types: ['form_submit'], points: 5, decay: true });
    expect(m.engagement.rules[1]).toMatchObject({ types: ['demo_request', 'trial_signup'], decay: false, maxCount: 2, maxPoints: 40, interest: 'buying' });
    expect(m.engagement.signals[0]).toMatchObject({ id: 'surge', points: 0, flag: 'fast_track' });
    expect(m.quality[0]).toMatchObject({ id: 'bad_email', check: 'email_syntax', field: 'email', action: 'reject', points: 0 });
    expect(m.quality[1]).toMatchObject({ action: 'adjust', points: -30, flag: 'spam' });
    expect(m.quality[1]?.condition).toMatchObject({ ops: [{ op: 'starts_with', value: ['test'] }] });
    expect(m.bands).toEqual([{ name: 'hot', min: 50 }, { name: 'cold' }]);
    expect(m.grade).toBeUndefined();
  });
  it('keeps grade labels in file order, also numeric labels', () => {
    const m = valid(`${HEAD}fit:\n  rules:\n    - { id: a, if: { field: x, present: true }, points: 1 }\n${BANDS}grade:\n  fit: { A: 40, B: 25, C: 10, D: 0 }\n  activity: { "4": 40, "3": 20, 2: 5, 1: 0 }\n`);
    expect(m.grade?.activity.entries.map((e) => e.label)).toEqual(['4', '3', '2', '1']);
    expect(m.grade?.fit.entries).toEqual([{ label: 'A', min: 40 }, { label: 'B', min: 25 }, { label: 'C', min: 10 }, { label: 'D', min: 0 }]);
  });
  it('normalises nested conditions and every operator', () => {
    const m = valid(`${HEAD}fit:
  rules:
    - id: all_ops
      if:
        all:
          - { field: a, equals: 3 }
          - { field: b, in: [x, 2], not_in: [y] }
          - any: [ { field: c, ends_with: [".de", ".at"] }, { field: c, matches: "^x" } ]
          - not: { field: d, missing: true }
          - { field: e, gt: 1, gte: 1, lt: 9, lte: 9, between: [1, 9] }
          - { field: f, within_days: 30 }
          - { field: f, older_than_days: 7, present: true }
      points: 5
${BANDS}`);
    const r = m.fit.rules[0];
    if (r?.kind !== 'if' || r.condition.kind !== 'all') throw new Error('expected all');
    expect(r.condition.items).toHaveLength(7);
    expect(r.condition.items[2]).toMatchObject({ kind: 'any', path: 'fit.rules[0].if.all[2]', items: [{ ops: [{ op: 'ends_with', value: ['.de', '.at'] }] }, { ops: [{ op: 'matches', value: '^x' }] }] });
    expect(r.condition.items[3]).toMatchObject({ kind: 'not', item: { field: 'd', ops: [{ op: 'missing', value: true }], path: 'fit.rules[0].if.all[3].not' } });
    expect(r.condition.items[4]).toMatchObject({ ops: [{ op: 'gt' }, { op: 'gte' }, { op: 'lt' }, { op: 'lte' }, { op: 'between', value: [1, 9] }] });
  });
  it('accepts tiers written highest first with open ends (first range wins)', () => {
    valid(`${HEAD}fit:\n  rules:\n    - id: budget\n      field: budget\n      ranges:\n        - { min: 150000, points: 20 }\n        - { min: 50000, points: 10 }\n        - { min: 0, points: 0 }\n${BANDS}`);
  });
  it('accepts the models null_values list as given, replacing the default', () => {
    const m = valid(HEAD.replace('leads: { id: lead_id }', 'leads: { id: lead_id, null_values: ["", "Select", 0] }') + 'fit:\n  rules:\n    - { id: a, if: { field: x, present: true }, points: 1 }\n' + BANDS);
    expect(m.input.leads.nullValues).toEqual(['', 'Select', '0']);
  });
});

describe('checkColumns', () => {
  const m = valid(`${HEAD}fit:
  rules:
    - { id: mgr, if: { field: job_title, contains: manager }, points: 10 }
    - { id: size, field: employees, ranges: [ { min: 100, points: 5 } ] }
engagement:
  rules:
    - { id: pricing, type: page_view, if: { field: url, contains: /pricing }, points: 10 }
  signals:
    - { id: inactive, if: { field: days_since_last_activity, gt: 60 }, points: -10 }
    - { id: vip, if: { field: tier, equals: vip }, points: 10 }
quality:
  - { id: bad_email, check: email_syntax, field: email, action: reject }
${BANDS}`);
  it('accepts matching headers after trimming and case-folding', () => {
    expect(checkColumns(m, { leads: [' Lead_ID', 'JOB_TITLE ', 'employees', 'Email', 'tier'], activities: ['lead_id', 'activity_type', 'occurred_at', 'URL'] })).toEqual([]);
  });
  it('names the closest columns of a missing field', () => {
    const ds = checkColumns(m, { leads: ['lead_id', 'jobtitle', 'job_title_raw', 'employee_count', 'email', 'tier'] }, { leadsFile: 'leads.csv' });
    expect(ds.map((d) => [d.code, d.path])).toEqual([
      ['LS090', 'fit.rules[0].if.field'],
      ['LS090', 'fit.rules[1].field'],
    ]);
    expect(ds[0]?.message).toContain('"jobtitle"');
    expect(ds[0]?.message).toContain('leads.csv');
    expect(ds[1]?.message).toContain('"employee_count"');
  });
  it('checks activity columns and skips signal fields and $row', () => {
    const ds = checkColumns(m, { activities: ['lead', 'activity_type', 'occurred_at', 'page_url'] });
    expect(ds.map((d) => [d.code, d.path])).toEqual([
      ['LS091', 'input.activities.lead_id'],
      ['LS091', 'engagement.rules[0].if.field'],
    ]);
    const row = { ...m, input: { ...m.input, leads: { ...m.input.leads, id: '$row' } } };
    expect(checkColumns(row, { leads: ['job_title', 'employees', 'email', 'tier'] })).toEqual([]);
  });
});

describe('every model in models/ validates', () => {
  const dir = join(root, 'models');
  const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
  it('has models', () => expect(files).toContain('b2b-saas.yaml'));
  it.each(files)('models/%s', async (file) => {
    const { result } = await loadModelFile(join(dir, file));
    expect(result.errors.map((d) => `${d.line}:${d.col} ${d.code} ${d.message}`)).toEqual([]);
    expect(result.value?.version).toBe(1);
  });
});
