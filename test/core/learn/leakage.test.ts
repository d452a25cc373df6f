// The leakage guard's signals, one at a time, and how they combine (src/core/learn/leakage.ts).
import { describe, expect, it } from 'vitest';
import { type FeaturePlan, planFeature, singleFeatureAuc, type TrainColumn } from '../../../src/core/learn/encode.js';
import { leakVerdicts } from '../../../src/core/learn/leakage.js';

const n = 1000;
const rows = Int32Array.from({ length: n }, (_, i) => i);
// a fixed pseudo-random stream, so that the columns below are the same on every run
let s = 12345;
const rand = () => ((s = (s * 16807) % 2147483647) / 2147483647);
const y = Uint8Array.from({ length: n }, () => (rand() < 0.4 ? 1 : 0));
const text = (name: string, f: (i: number) => string | undefined): TrainColumn => ({ name, kind: 'text', cells: Array.from({ length: n }, (_, i) => f(i)) });
const noisy = (i: number, strength: number) => (rand() < strength ? y[i]! : rand() < 0.4 ? 1 : 0);

function verdicts(columns: TrainColumn[]) {
  const plans = columns.map((c) => planFeature(c, rows)).filter((p): p is FeaturePlan => 'type' in p);
  const auc = new Map(plans.map((p) => [p.name, singleFeatureAuc(p, y, rows)]));
  return new Map(leakVerdicts(plans, auc, y, rows).map((v) => [v.name, v]));
}

// ordinary pre-outcome features with a weak signal each
const ordinary = [
  text('region', (i) => ['north', 'south', 'east', 'west'][(noisy(i, 0.15) * 2 + (i % 2)) % 4]),
  text('size', (i) => ['1-10', '11-50', '51-200'][noisy(i, 0.2) + (i % 2)]),
  text('visits', (i) => String(Math.floor(rand() * 5) + noisy(i, 0.3) * 2)),
  text('industry', (i) => ['it', 'retail', 'finance', 'health', 'edu'][(i * 7 + noisy(i, 0.2)) % 5]),
];

describe('leakVerdicts', () => {
  it('a status whose levels name the outcome and are almost pure is a leak; so is a rating filled after the fact', () => {
    const v = verdicts([
      ...ordinary,
      text('status', (i) => (y[i] ? (i % 3 ? 'Closed won' : 'Will revert') : i % 4 ? 'Ringing' : 'Lost to competitor')),
      text('rating', (i) => (y[i] ? (rand() < 0.8 ? ['High', 'Medium'][i % 2] : undefined) : rand() < 0.2 ? 'Low' : undefined)),
    ]);
    const status = v.get('status')!;
    expect(status.leak).toBe(true);
    expect(status.signals.outcomeNames?.levels.map((l) => l.level)).toEqual(expect.arrayContaining(['closed won', 'lost to competitor']));
    expect(status.signals.pureLevels).toBeDefined();
    const rating = v.get('rating')!;
    expect(rating.leak).toBe(true);
    expect(rating.signals.filledAfter!.positive).toBeGreaterThan(0.7);
    expect(rating.signals.filledAfter!.negative).toBeLessThan(0.3);
    for (const o of ordinary) expect(v.get(o.name)!.leak).toBe(false);
  });

  it('keeps a genuinely strong pre-outcome column: a referral source with ~90 % conversion on 5 % of leads', () => {
    const source = text('source', (i) => (i % 20 === 0 ? 'Reference' : ['Google', 'Direct', 'Chat'][i % 3]));
    const yRef = Uint8Array.from(y, (v, i) => (i % 20 === 0 ? (i % 200 === 0 ? 0 : 1) : v));
    const plans = [...ordinary, source].map((c) => planFeature(c, rows)).filter((p): p is FeaturePlan => 'type' in p);
    const auc = new Map(plans.map((p) => [p.name, singleFeatureAuc(p, yRef, rows)]));
    const v = leakVerdicts(plans, auc, yRef, rows).find((x) => x.name === 'source')!;
    expect(v.leak).toBe(false);
    expect(v.reasons).toEqual([]);
  });

  it('one supporting signal alone is not enough for an ordinary feature (an activity named "Converted to Lead")', () => {
    const v = verdicts([...ordinary, text('last_activity', (i) => (i % 20 === 0 ? 'Converted to Lead' : ['Email Opened', 'SMS Sent'][noisy(i, 0.2)]))]);
    const a = v.get('last_activity')!;
    expect(a.signals.outcomeNames).toBeDefined();
    expect(a.leak).toBe(false);
  });

  it('a feature far above all the others is a leak on that signal alone (a call duration)', () => {
    const v = verdicts([...ordinary, text('duration', (i) => String(Math.round(100 + 400 * y[i]! * rand() + 150 * rand())))]);
    const d = v.get('duration')!;
    expect(d.signals.auc).toBeGreaterThan(0.75);
    expect(d.signals.auc).toBeLessThan(0.95);
    expect(d.signals.farAbove).toBeDefined();
    expect(d.leak).toBe(true);
    expect(d.reasons[0]).toMatch(/far above the others/);
  });

  it('a rare outcome does not make every level "pure"', () => {
    const rare = Uint8Array.from({ length: n }, (_, i) => (i % 150 === 0 ? 1 : 0));
    const plan = planFeature(text('segment', (i) => ['a', 'b', 'c'][i % 3]), rows) as FeaturePlan;
    const v = leakVerdicts([plan], new Map([['segment', 0.55]]), rare, rows)[0]!;
    expect(v.signals.pureLevels).toBeUndefined();
  });
});
