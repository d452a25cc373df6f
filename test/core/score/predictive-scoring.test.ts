// A model's predictive section in the scorer: score = weight × 100·p + (1 − weight) × rule points;
// reasons name the features that moved the probability; activity.* features read the activities.
import { describe, expect, it } from 'vitest';
import { model, scoreRows } from '../../helpers/score-harness.js';

const AS_OF = '2026-11-01T00:00:00Z';
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

const head = `
version: 1
name: p
input:
  leads: { id: id }
  activities: { lead_id: lead_id, type: type, timestamp: at }
`;
const predictive = (weight: number) => `
predictive:
  intercept: -1
  weight: ${weight}
  features:
    - { name: employees, type: numeric, encoding: { transform: none, mean: 100, sd: 50 }, coefficient: 0.5, missing: -0.2 }
    - { name: dept, type: categorical, levels: { it: 0.8, sales: -0.4 }, other: 0.1, missing: -0.3 }
    - { name: activity.count.demo, type: numeric, encoding: { transform: none, mean: 0, sd: 1 }, coefficient: 0.7, missing: 0 }
`;

describe('predictive scoring', () => {
  it('score = 100 × p with weight 1; reasons are the features', () => {
    const m = model(head + predictive(1) + 'bands: [{ name: hot, min: 50 }, { name: cold }]\n');
    const { byId } = scoreRows(
      m,
      [{ id: '1', employees: '200', dept: 'IT' }, { id: '2', employees: '', dept: 'Marketing' }],
      [{ lead_id: '1', type: 'demo', at: AS_OF }, { lead_id: '1', type: 'Demo', at: AS_OF }, { lead_id: '1', type: 'web', at: AS_OF }],
      AS_OF,
    );
    const z1 = -1 + 0.5 * ((200 - 100) / 50) + 0.8 + 0.7 * 2;
    const a = byId.get('1')!;
    expect(a.probability).toBeCloseTo(sigmoid(z1), 12);
    expect(a.score).toBeCloseTo(100 * sigmoid(z1), 10);
    expect(a.band).toBe(0);
    expect(a.reasons.split('; ').map((r) => r.split(' ')[0])).toEqual(['activity.count.demo', 'employees', 'dept']);
    // a rep reads the feature, the lead's value and its effect in log-odds, largest first
    expect(a.reasons).toBe('activity.count.demo = 2 +1.40; employees = 200 +1.00; dept = IT +0.80');
    expect(byId.get('2')!.reasons).toBe('employees = (missing) -0.20; dept = Marketing +0.10');
    const z2 = -1 - 0.2 + 0.1 + 0; // employees missing, dept other, no demo (count 0)
    expect(byId.get('2')!.score).toBeCloseTo(100 * sigmoid(z2), 10);
    expect(byId.get('2')!.band).toBe(1);
  });

  it('weight blends the probability with the rule points', () => {
    const m = model(head + `
fit:
  rules:
    - { id: exec, if: { field: title, equals: ceo }, points: 40 }
` + predictive(0.25) + 'bands: [{ name: all }]\n');
    const { byId } = scoreRows(m, [{ id: '1', employees: '100', dept: 'sales', title: 'CEO' }], [], AS_OF);
    const p = sigmoid(-1 + 0 - 0.4 + 0);
    const s = byId.get('1')!;
    expect(s.score).toBeCloseTo(0.25 * 100 * p + 0.75 * 40, 10);
    expect(s.fit).toBe(40);
    expect(s.reasons.startsWith('exec +30')).toBe(true); // 40 × (1 − 0.25)
  });
});
