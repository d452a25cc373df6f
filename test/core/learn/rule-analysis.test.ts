// Rule analysis on a tiny hand-made table.
import { describe, expect, it } from 'vitest';
import { analyseRules, logOddsRatio, type Firings, type RuleInfo } from '../../../src/core/learn/rule-analysis.js';

function firings(perLead: [slot: number, points: number][][]): Firings {
  const offsets = [0];
  const slots: number[] = [];
  const points: number[] = [];
  for (const l of perLead) {
    for (const [s, p] of l) {
      slots.push(s);
      points.push(p);
    }
    offsets.push(slots.length);
  }
  return { offsets, slots, points };
}

const rules: RuleInfo[] = [
  { id: 'demo_request', section: 'engagement', path: 'engagement.rules[0]', levels: false },
  { id: 'department', section: 'fit', path: 'fit.rules[0]', levels: true },
  { id: 'everyone', section: 'fit', path: 'fit.rules[1]', levels: false },
  { id: 'never', section: 'quality', path: 'quality[0]', levels: false },
];

describe('rule analysis', () => {
  // leads 0..5, converted: 1 1 0 0 0 1
  const labels = [1, 1, 0, 0, 0, 1];
  const f = firings([
    [[0, 25], [1, 10], [2, 1]],
    [[0, 25], [1, 10], [2, 1]],
    [[0, 15], [1, 0], [2, 1]],
    [[2, 1]],
    [[2, 1]],
    [[2, 1]],
  ]);
  const a = analyseRules(rules, f, labels, 0.1);

  it('gives the base rate and, per rule, fired count, conversion when fired and not, lift', () => {
    expect(a.base_conversion).toBe(0.5);
    expect(a.points_per_log_odds).toBeCloseTo(10, 12);
    const demo = a.rules[0]!;
    expect(demo).toMatchObject({ id: 'demo_request', fired: 3, positives: 2, share: 0.5 });
    expect(demo.conversion_fired).toBeCloseTo(2 / 3, 12);
    expect(demo.conversion_not_fired).toBeCloseTo(1 / 3, 12);
    expect(demo.lift).toBeCloseTo(4 / 3, 12);
    expect(demo.mean_points).toBeCloseTo(65 / 3, 12);
  });

  it('suggests points from the smoothed log-odds ratio on the model scale, flagged on few leads', () => {
    const demo = a.rules[0]!;
    // fired: 2 converted, 1 not; not fired: 1 converted, 2 not; +½ each: ln(2.5·2.5 / (1.5·1.5))
    expect(demo.log_odds_ratio).toBeCloseTo(Math.log(25 / 9), 12);
    expect(demo.suggested_points).toBeCloseTo(Math.log(25 / 9) / 0.1, 10);
    expect(demo.low_count).toBe(true);
    expect(logOddsRatio(0, 10, 0, 10).lor).toBe(0);
  });

  it('breaks values/ranges rules down by level against the 0-point leads', () => {
    const dep = a.rules[1]!;
    expect(dep.levels_reference).toBe('zero_points');
    const ten = dep.levels!.find((l) => l.points === 10)!;
    // +10: leads 0, 1 (both converted); 0 points: leads 2..5 (1 of 4 converted)
    expect(ten.fired).toBe(2);
    expect(ten.conversion_not_fired).toBe(0.25);
    expect(ten.log_odds_ratio).toBeCloseTo(Math.log((2.5 * 3.5) / (0.5 * 1.5)), 12);
    const zero = dep.levels!.find((l) => l.points === 0)!;
    expect(zero.reference).toBe(true);
    expect(zero.suggested_points).toBe(0);
  });

  it('has no log-odds ratio for a rule that fired on every lead or on none, and no suggestion without a scale', () => {
    expect(a.rules[2]).toMatchObject({ fired: 6, log_odds_ratio: null, suggested_points: null, conversion_not_fired: null });
    expect(a.rules[3]).toMatchObject({ fired: 0, log_odds_ratio: null, conversion_fired: null, mean_points: null });
    const flat = analyseRules(rules, f, labels, null);
    expect(flat.points_per_log_odds).toBeNull();
    expect(flat.rules[0]!.suggested_points).toBeNull();
    expect(flat.rules[0]!.log_odds_ratio).toBeCloseTo(Math.log(25 / 9), 12);
  });
});
