// compilePredictive: probabilities and contributions checked against a hand computation.
import { describe, expect, it } from 'vitest';
import type { PredictiveSection } from '../../../src/core/model/types.js';
import { compilePredictive } from '../../../src/core/score/predictive.js';
import { makeNulls } from '../../../src/core/value.js';

const section: PredictiveSection = {
  intercept: -2,
  weight: 1,
  features: [
    { name: 'employees', type: 'numeric', transform: 'log1p', mean: 3, sd: 2, coefficient: 0.8, missing: -0.3 },
    { name: 'age', type: 'numeric', transform: 'none', mean: 40, sd: 10, coefficient: 0.5, missing: 0 },
    { name: 'Department', type: 'categorical', levels: [{ level: 'it', coefficient: 1.2 }, { level: 'finance', coefficient: -0.4 }], other: 0.1, missing: -0.2 },
  ],
};
const header = ['lead_id', 'department', 'employees', 'age'];
const nulls = makeNulls(['', 'NA', 'unknown']);
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

describe('compilePredictive', () => {
  const score = compilePredictive(section, header, nulls);

  it('p = sigmoid(intercept + terms) (hand computation)', () => {
    const r = score(['L1', ' IT ', '99', '50']);
    // employees: 0.8 * (ln(100) - 3) / 2; age: 0.5 * (50 - 40) / 10 = 0.5; department it: 1.2
    const tEmp = (0.8 * (Math.log(100) - 3)) / 2;
    const z = -2 + tEmp + 0.5 + 1.2;
    expect(r.logit).toBeCloseTo(z, 12);
    expect(r.probability).toBeCloseTo(sigmoid(z), 12);
    expect(r.probability).toBeCloseTo(0.5847, 4); // z = -2 + 0.64207 + 0.5 + 1.2 = 0.34207
  });

  it('missing values (empty or a null value) take the missing term; unknown levels the other term', () => {
    const r = score(['L2', 'Unknown', '', 'NA']);
    expect(r.logit).toBeCloseTo(-2 - 0.3 + 0 - 0.2, 12);
    const o = score(['L3', 'Legal', '', '40']);
    expect(o.logit).toBeCloseTo(-2 - 0.3 + 0 + 0.1, 12);
  });

  it('a number that does not parse counts as missing', () => {
    expect(score(['L4', 'it', 'many', '40']).logit).toBeCloseTo(-2 - 0.3 + 1.2, 12);
  });

  it('contributions: the term in log-odds with the lead\'s value, largest |term| first, and 100 × (p − p without the term); zero terms left out', () => {
    const r = score(['L5', 'finance', '', '40']);
    const z = -2 - 0.3 - 0.4;
    const p = sigmoid(z);
    expect(r.contributions).toEqual([
      { feature: 'Department', term: expect.closeTo(-0.4, 12), value: 'finance', points: expect.closeTo(100 * (p - sigmoid(z + 0.4)), 10) },
      { feature: 'employees', term: expect.closeTo(-0.3, 12), value: null, points: expect.closeTo(100 * (p - sigmoid(z + 0.3)), 10) },
    ]);
    expect(r.contributions.every((c) => c.points < 0)).toBe(true);
  });

  it('a feature whose column is not in the header always takes its missing term, and is reported', () => {
    const s = compilePredictive(section, ['lead_id', 'department', 'age'], nulls);
    expect(s.missingColumns).toEqual(['employees']);
    expect(s(['L6', 'it', '40']).logit).toBeCloseTo(-2 - 0.3 + 1.2, 12);
  });

  it('activity aggregates feed activity.* features', () => {
    const s = compilePredictive({
      intercept: 0, weight: 1, features: [
        { name: 'activity.count.webinar', type: 'numeric', transform: 'none', mean: 1, sd: 1, coefficient: 1, missing: 0 },
        { name: 'activity.days_since_last', type: 'numeric', transform: 'none', mean: 10, sd: 5, coefficient: -1, missing: -2 },
      ],
    }, ['lead_id'], nulls);
    expect(s.needsActivities).toBe(true);
    const agg = { count: 4, count7d: 1, count30d: 2, daysSinceLast: 5, byType: new Map([['webinar', 3]]) };
    expect(s(['L1'], agg).logit).toBeCloseTo((3 - 1) + -1 * (5 - 10) / 5, 12);
    expect(s(['L1']).logit).toBeCloseTo(-1 - 2, 12); // no activities: 0 webinars, days since last missing
  });
});
