// Encoding decided from the training rows, the leakage guard, and determinism of train().
import { describe, expect, it } from 'vitest';
import {
  type CategoricalPlan, encodeDesign, layoutOf, type NumericPlan, planFeature, singleFeatureAuc, type TrainColumn,
} from '../../../src/core/learn/encode.js';
import { proposeBands, quantileBins, train } from '../../../src/core/learn/train.js';
import { leakVerdicts } from '../../../src/core/learn/leakage.js';

const all = (n: number) => Int32Array.from({ length: n }, (_, i) => i);
const text = (name: string, cells: (string | undefined)[]): TrainColumn => ({ name, kind: 'text', cells });

describe('planFeature', () => {
  it('numeric when the values parse as numbers; standardised with the training mean and population sd', () => {
    const p = planFeature(text('employees', ['10', '20', '30', '40']), all(4)) as NumericPlan;
    expect(p.type).toBe('numeric');
    expect(p.transform).toBe('none');
    expect(p.mean).toBe(25);
    expect(p.sd).toBeCloseTo(Math.sqrt(125), 12);
    expect(p.hasMissing).toBe(false);
  });

  it('uses only the training rows for its statistics', () => {
    const p = planFeature(text('x', ['1', '3', '1000']), Int32Array.from([0, 1])) as NumericPlan;
    expect(p.mean).toBe(2);
    expect(p.sd).toBe(1);
  });

  it('log1p for a heavy right tail of non-negative values, written with the transformed mean and sd', () => {
    const cells = [...Array(95).fill('1'), '500', '800', '1000', '2000', '5000'];
    const p = planFeature(text('visits', cells), all(100)) as NumericPlan;
    expect(p.skewness).toBeGreaterThan(2);
    expect(p.transform).toBe('log1p');
    const logs = cells.map((c) => Math.log1p(Number(c)));
    const mean = logs.reduce((a, b) => a + b, 0) / logs.length;
    expect(p.mean).toBeCloseTo(mean, 12);
  });

  it('no log1p when the values can be negative', () => {
    const cells = [...Array(95).fill('-1'), '500', '800', '1000', '2000', '5000'];
    expect((planFeature(text('balance', cells), all(100)) as NumericPlan).transform).toBe('none');
  });

  it('categorical: case-folded levels, rare levels pooled into other, missing as its own indicator', () => {
    const cells: (string | undefined)[] = [
      ...Array(30).fill('IT'), ...Array(25).fill('it '.trim()), ...Array(25).fill('Finance'), ...Array(5).fill('Legal'),
      ...Array(15).fill(undefined),
    ];
    const p = planFeature(text('department', cells), all(100)) as CategoricalPlan;
    expect(p.type).toBe('categorical');
    expect(p.levels).toEqual(['it', 'finance']);
    expect(p.hasOther).toBe(true); // Legal: 5 rows < 20
    expect(p.pooledRows).toBe(5);
    expect(p.hasMissing).toBe(true);
    const layout = layoutOf([p]);
    expect(layout.cols).toBe(4); // it, finance, other, missing
    const X = encodeDesign(layout, 100);
    const colOf = (i: number) => X.col[X.rowPtr[i]!];
    expect(colOf(0)).toBe(0); // IT
    expect(colOf(30)).toBe(0); // it
    expect(colOf(55)).toBe(1); // Finance
    expect(colOf(80)).toBe(2); // Legal -> other
    expect(colOf(90)).toBe(3); // missing
  });

  it('a mostly numeric column: the few values that are not numbers count as missing', () => {
    const cells = [...Array.from({ length: 99 }, (_, i) => String(i)), 'n/a?'];
    const p = planFeature(text('age', cells), all(100)) as NumericPlan;
    expect(p.type).toBe('numeric');
    expect(p.hasMissing).toBe(true);
    const X = encodeDesign(layoutOf([p]), 100);
    expect(X.col[X.rowPtr[99]!]).toBe(1); // the missing indicator column
    expect(X.val[X.rowPtr[99]!]).toBe(1);
  });

  it('leaves out constant columns and id-like text', () => {
    expect('reason' in planFeature(text('country', Array(50).fill('TR')), all(50))).toBe(true);
    expect('reason' in planFeature(text('zero', Array(50).fill('0')), all(50))).toBe(true);
    expect('reason' in planFeature(text('email', Array.from({ length: 200 }, (_, i) => `u${i}@x.com`)), all(200))).toBe(true);
  });
});

describe('leakage guard', () => {
  const n = 400;
  const y = Uint8Array.from({ length: n }, (_, i) => (i % 4 === 0 ? 1 : 0));
  const noise = (i: number) => ((i * 7919) % 101) / 101;
  const columns: TrainColumn[] = [
    text('score_noise', Array.from({ length: n }, (_, i) => String(noise(i) + y[i]! * 0.3))),
    text('stage_after', Array.from({ length: n }, (_, i) => (y[i] ? 'closed' : 'open'))),
    text('lost_reason', Array.from({ length: n }, (_, i) => (y[i] ? undefined : ['price', 'timing'][i % 2]!))),
    text('region', Array.from({ length: n }, (_, i) => ['north', 'south', 'east'][i % 3]!)),
  ];

  it('single-feature AUC and filled-for-one-class are measured per feature', () => {
    const rows = all(n);
    const stage = planFeature(columns[1]!, rows);
    const lost = planFeature(columns[2]!, rows);
    expect('type' in stage && singleFeatureAuc(stage, y, rows)).toBe(1);
    if (!('type' in lost)) throw new Error('lost_reason not planned');
    expect(leakVerdicts([lost], new Map([['lost_reason', 0.7]]), y, rows)[0]!.signals.onlyClass).toBe('negative');
  });

  it('a feature that separates the outcome alone, or is filled only for one class, is left out by name', () => {
    const r = train(columns, y, { holdout: 0.25, seed: 1 });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const used = r.result.section.features.map((f) => f.name);
    expect(used).toContain('score_noise');
    expect(used).toContain('region');
    expect(used).not.toContain('stage_after');
    expect(used).not.toContain('lost_reason');
    expect(r.result.leaks.map((l) => [l.name, l.kept])).toEqual([['stage_after', false], ['lost_reason', false]]);
    expect(r.result.leaks[1]!.onlyClass).toBe('negative');
  });

  it('is overridden when --features names the feature', () => {
    const r = train(columns, y, { holdout: 0.25, seed: 1, forced: ['stage_after'] });
    expect(r.ok && r.result.section.features.map((f) => f.name)).toContain('stage_after');
    expect(r.ok && r.result.leaks.find((l) => l.name === 'stage_after')?.kept).toBe(true);
  });

  it('is deterministic for a seed', () => {
    const a = train(columns, y, { holdout: 0.25, seed: 5 });
    const b = train(columns, y, { holdout: 0.25, seed: 5 });
    expect(a.ok && b.ok).toBe(true);
    if (!a.ok || !b.ok) return;
    expect(a.result.section).toEqual(b.result.section);
    expect(Array.from(a.result.holdout)).toEqual(Array.from(b.result.holdout));
    expect(a.result.holdoutAuc).toBe(b.result.holdoutAuc);
  });

  it('reports too few positives with a code', () => {
    const r = train(columns, Uint8Array.from({ length: n }, (_, i) => (i < 3 ? 1 : 0)), { holdout: 0.2, seed: 1 });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.code).toBe('LS144');
  });
});

describe('bands and bins', () => {
  it('proposes SQL / MQL / IQL at the top 10 / 30 / 60 % and a catch-all cold band', () => {
    const scores = Array.from({ length: 100 }, (_, i) => i + 0.5);
    expect(proposeBands(scores)).toEqual([
      { name: 'SQL', min: 90.5 }, { name: 'MQL', min: 70.5 }, { name: 'IQL', min: 40.5 }, { name: 'cold' },
    ]);
  });
  it('collapses equal cut-offs so that bands stay in descending order', () => {
    expect(proposeBands(Array(50).fill(3))).toEqual([{ name: 'SQL', min: 3 }, { name: 'cold' }]);
  });
  it('quantile bins keep a large tied value in one bin', () => {
    const values = [...Array(82).fill(-1), ...Array.from({ length: 18 }, (_, i) => i + 1)];
    const lows = quantileBins(values, 5);
    expect(lows[0]).toBe(-Infinity);
    expect(lows[1]).toBe(1);
  });
});
