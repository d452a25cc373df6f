// Hand-computed checks of every scoring rule of PRODUCT.md §2.
import { describe, expect, it } from 'vitest';
import { model, scoreRows, type Row } from '../../helpers/score-harness.js';

const AS_OF = '2026-11-01T00:00:00Z';
const HEAD = `
version: 1
name: t
input:
  leads: { id: id }
  activities: { lead_id: lead_id, type: type, timestamp: at }
`;

const lead = (id: string, extra: Row = {}): Row => ({ id, ...extra });
const act = (leadId: string, type: string, at: string, extra: Row = {}): Row => ({ lead_id: leadId, type, at, ...extra });
const daysBefore = (d: number) => new Date(Date.parse(AS_OF) - d * 86_400_000).toISOString();

function one(yaml: string, leads: Row[], acts: Row[] = [], id = '1') {
  const { byId } = scoreRows(model(HEAD + yaml), leads, acts, AS_OF);
  const s = byId.get(id);
  if (!s) throw new Error(`lead ${id} not scored`);
  return s;
}

describe('engagement decay and windows', () => {
  const rules = `
engagement:
  half_life_days: 30
  rules:
    - { id: demo, type: demo_request, points: 20 }
bands: [{ name: all }]
`;
  it('one half-life of age gives exactly half the points', () => {
    expect(one(rules, [lead('1')], [act('1', 'demo_request', daysBefore(30))]).engagement).toBeCloseTo(10, 8);
  });
  it('two half-lives give a quarter; fractional ages decay continuously', () => {
    expect(one(rules, [lead('1')], [act('1', 'demo_request', daysBefore(60))]).engagement).toBeCloseTo(5, 8);
    expect(one(rules, [lead('1')], [act('1', 'demo_request', daysBefore(15))]).engagement).toBeCloseTo(20 * Math.SQRT1_2, 8);
  });
  it('an activity at as-of counts fully; one second after as-of counts nothing', () => {
    expect(one(rules, [lead('1')], [act('1', 'demo_request', AS_OF)]).engagement).toBe(20);
    expect(one(rules, [lead('1')], [act('1', 'demo_request', '2026-11-01T00:00:01Z')]).engagement).toBe(0);
  });
  it('window_days: age equal to the window counts, older does not', () => {
    const w = `
engagement:
  window_days: 10
  rules: [{ id: demo, type: demo_request, points: 20 }]
bands: [{ name: all }]
`;
    expect(one(w, [lead('1')], [act('1', 'demo_request', daysBefore(10))]).engagement).toBe(20);
    expect(one(w, [lead('1')], [act('1', 'demo_request', daysBefore(10.0001))]).engagement).toBe(0);
  });
  it('decay: false keeps full points at any age', () => {
    const y = `
engagement:
  half_life_days: 7
  rules: [{ id: unsub, type: unsubscribe, points: -20, decay: false }]
bands: [{ name: all }]
`;
    expect(one(y, [lead('1')], [act('1', 'unsubscribe', daysBefore(70))]).engagementUncapped).toBe(-20);
  });
  it('no decay without half_life_days', () => {
    const y = `
engagement:
  rules: [{ id: demo, type: demo_request, points: 20 }]
bands: [{ name: all }]
`;
    expect(one(y, [lead('1')], [act('1', 'demo_request', daysBefore(300))]).engagement).toBe(20);
  });
});

describe('max_count, max_points, caps', () => {
  it('max_count: 3 keeps the three most recent matching activities', () => {
    const y = `
engagement:
  half_life_days: 10
  rules: [{ id: pricing, type: page_view, points: 8, max_count: 3 }]
bands: [{ name: all }]
`;
    // ages 40, 0, 20, 30, 10 in file order: the kept ones are ages 0, 10, 20.
    const acts = [40, 0, 20, 30, 10].map((d) => act('1', 'page_view', daysBefore(d)));
    expect(one(y, [lead('1')], acts).engagement).toBeCloseTo(8 + 4 + 2, 8);
  });
  it('max_points caps a rule total in absolute value (a negative total is floored at -P)', () => {
    const y = `
engagement:
  rules:
    - { id: open, type: email_open, points: 1, max_points: 3 }
    - { id: bounce, type: bounce, points: -4, max_points: 5 }
bands: [{ name: all }]
`;
    const acts = [1, 2, 3, 4, 5].flatMap((d) => [act('1', 'email_open', daysBefore(d)), act('1', 'bounce', daysBefore(d))]);
    const s = one(y, [lead('1')], acts);
    expect(s.engagementUncapped).toBe(3 - 5);
  });
  it('engagement.max caps engagement from above only; the score is clamped to [0, 100]', () => {
    const y = `
fit:
  rules: [{ id: big, if: { field: size, gte: 0 }, points: 90 }]
engagement:
  max: 30
  rules:
    - { id: demo, type: demo_request, points: 25 }
    - { id: unsub, type: unsubscribe, points: -200 }
bands: [{ name: all }]
`;
    const hot = one(y, [lead('1', { size: '1' })], [act('1', 'demo_request', AS_OF), act('1', 'demo_request', AS_OF)]);
    expect(hot.engagement).toBe(30);
    expect(hot.unclamped).toBe(120);
    expect(hot.score).toBe(100);
    const cold = one(y, [lead('1', { size: '1' })], [act('1', 'unsubscribe', AS_OF)]);
    expect(cold.engagement).toBe(-200);
    expect(cold.score).toBe(0);
  });
  it('fit.max caps the fit component', () => {
    const y = `
fit:
  max: 20
  rules:
    - { id: a, if: { field: t, equals: x }, points: 15 }
    - { id: b, if: { field: t, present: true }, points: 15 }
bands: [{ name: all }]
`;
    const s = one(y, [lead('1', { t: 'x' })]);
    expect(s.fitUncapped).toBe(30);
    expect(s.fit).toBe(20);
  });
});

describe('fit rules and conditions', () => {
  const y = `
input:
  leads: { id: id, null_values: ["", "Select"] }
  activities: { lead_id: lead_id, type: type, timestamp: at }
fit:
  rules:
    - id: department
      field: department
      values: { IT: 15, Finance: 10 }
    - id: size
      field: employees
      ranges:
        - { min: 1000, points: 5 }
        - { min: 500, max: 999, points: 15 }
        - { min: 1, max: 499, points: 2 }
    - { id: exec, if: { field: title, matches: "\\\\b(ceo|cto)\\\\b" }, points: 20 }
    - { id: no_title, if: { field: title, missing: true }, points: -3 }
    - { id: not_gmail, if: { not: { field: email, ends_with: "@gmail.com" } }, points: 1 }
bands: [{ name: all }]
`;
  const m = model(`version: 1\nname: t\n${y}`);
  const score = (r: Row) => scoreRows(m, [{ id: '1', ...r }], [], AS_OF).byId.get('1')!;
  it('values compare like equals: case and surrounding spaces are ignored', () => {
    expect(score({ department: '  it ' }).fitUncapped).toBe(15 + 1 - 3);
  });
  it('ranges: the first range containing the value, bounds inclusive; thousands separators parse', () => {
    expect(score({ employees: '999' }).fitUncapped).toBe(15 + 1 - 3);
    expect(score({ employees: '1,000' }).fitUncapped).toBe(5 + 1 - 3);
    expect(score({ employees: '0' }).fitUncapped).toBe(0 + 1 - 3);
  });
  it('matches is case-insensitive and runs on the trimmed value', () => {
    expect(score({ title: ' Co-founder & CEO ' }).fitUncapped).toBe(20 + 1);
  });
  it('a null_values token is missing: it matches only missing: true, and not of a leaf on it is true', () => {
    expect(score({ title: 'select', email: 'Select', department: 'Select' }).fitUncapped).toBe(-3 + 1);
  });
  it('a model null_values list replaces the default list', () => {
    expect(score({ title: 'N/A' }).fitUncapped).toBe(1); // "N/A" is a value here, not missing
  });
  it('a numeric operator on a value that is not a number does not match', () => {
    const m2 = model(HEAD + `
fit:
  rules: [{ id: big, if: { field: employees, gt: 10 }, points: 5 }]
bands: [{ name: all }]
`);
    expect(scoreRows(m2, [{ id: '1', employees: 'many' }], [], AS_OF).byId.get('1')!.fit).toBe(0);
  });
  it('equals/in compare as numbers when both sides are numbers', () => {
    const m3 = model(HEAD + `
fit:
  rules:
    - { id: eq, if: { field: n, equals: 5 }, points: 1 }
    - { id: in, if: { field: n, in: [4, "5.0"] }, points: 2 }
    - { id: btw, if: { field: n, between: [5, 6] }, points: 4 }
bands: [{ name: all }]
`);
    expect(scoreRows(m3, [{ id: '1', n: '5.00' }], [], AS_OF).byId.get('1')!.fit).toBe(7);
  });
  it('within_days / older_than_days on a lead date field, relative to as-of', () => {
    const m4 = model(HEAD + `
fit:
  rules:
    - { id: new, if: { field: created, within_days: 30 }, points: 1 }
    - { id: old, if: { field: created, older_than_days: 30 }, points: 2 }
bands: [{ name: all }]
`);
    const f = (created: string) => scoreRows(m4, [{ id: '1', created }], [], AS_OF).byId.get('1')!.fit;
    expect(f('2026-10-02')).toBe(1); // exactly 30 days
    expect(f('2026-10-01')).toBe(2);
    expect(f('2026-11-02')).toBe(0); // in the future: neither
  });
});

describe('signals', () => {
  const y = `
engagement:
  half_life_days: 30
  rules:
    - { id: open, type: email_open, points: 4, max_points: 4 }
  signals:
    - { id: inactive_60d, if: { field: days_since_last_activity, gt: 60 }, points: -10 }
    - { id: surge, if: { field: engagement_7d, gte: 12 }, flag: fast_track }
    - { id: never, if: { field: activity_count, equals: 0 }, points: -1 }
bands: [{ name: all }]
`;
  it('engagement_7d sums raw points, ignoring decay and max_points', () => {
    const s = one(y, [lead('1')], [1, 2, 3].map((d) => act('1', 'email_open', daysBefore(d))));
    expect(s.flags).toEqual(['fast_track']);
    expect(s.engagementUncapped).toBeCloseTo(4, 8); // capped by max_points, no signal points
  });
  it('days_since_last_activity counts any activity type; signals run for leads without activities', () => {
    const inactive = one(y, [lead('1')], [act('1', 'chat_started', daysBefore(61))]);
    expect(inactive.engagementUncapped).toBe(-10);
    const none = one(y, [lead('1')], []);
    expect(none.engagementUncapped).toBe(-1); // days_since_last_activity is missing: gt does not hold
  });
});

describe('quality, bands, grade, interests, reasons', () => {
  const y = `
fit:
  rules:
    - { id: exec, if: { field: title, equals: ceo }, points: 40 }
engagement:
  rules:
    - { id: demo, type: demo_request, points: 25, interest: buying }
    - { id: webinar, type: webinar, points: 10, interest: events }
    - { id: pricing, type: page_view, if: { field: detail, contains: /pricing }, points: 5, interest: buying }
quality:
  - { id: bad_email, check: email_syntax, field: email, action: reject }
  - { id: disposable, check: disposable_email, field: email, points: -30, flag: spam }
bands:
  - { name: SQL, min: 60 }
  - { name: MQL, min: 30 }
  - { name: cold }
grade:
  fit: { A: 40, B: 20, C: 0 }
  activity: { "3": 30, "2": 10, "1": 0 }
`;
  it('email_syntax rejects with the rule id; a missing email fails no check', () => {
    const { byId, rejected } = scoreRows(model(HEAD + y), [lead('1', { email: 'not an email' }), lead('2', { email: '' })], [], AS_OF);
    expect(rejected.get('1')).toBe('bad_email');
    expect(byId.has('2')).toBe(true);
  });
  it('disposable_email matches the domain or a parent domain; adds points and flag', () => {
    const s = one(y, [lead('1', { email: 'x@eu.mailinator.com', title: 'ceo' })]);
    expect(s.adjustments).toBe(-30);
    expect(s.flags).toEqual(['spam']);
    expect(s.score).toBe(10);
  });
  it('band, grade, interests and reasons', () => {
    const s = one(y, [lead('1', { email: 'a@b.com', title: 'CEO' })], [
      act('1', 'demo_request', AS_OF),
      act('1', 'page_view', AS_OF, { detail: 'https://x.com/Pricing' }),
      act('1', 'page_view', AS_OF, { detail: '/blog' }),
      act('1', 'webinar', AS_OF),
    ]);
    expect(s.score).toBe(80);
    expect(s.band).toBe(0);
    expect(s.grade).toBe('A3');
    expect(s.interests).toEqual([30, 10]);
    expect(s.reasons).toBe('exec +40; demo +25; webinar +10; pricing +5');
  });
  it('a score just below a threshold stays in the lower band (unrounded values)', () => {
    const y2 = `
engagement:
  half_life_days: 1
  rules: [{ id: demo, type: demo_request, points: 60 }]
bands: [{ name: SQL, min: 30 }, { name: cold }]
`;
    // 60 * 0.5^(1.0000001) is just under 30 and would round to 30.00.
    const s = one(y2, [lead('1')], [act('1', 'demo_request', new Date(Date.parse(AS_OF) - 86_400_000 - 9).toISOString())]);
    expect(s.score).toBeLessThan(30);
    expect(s.band).toBe(1);
  });
});
