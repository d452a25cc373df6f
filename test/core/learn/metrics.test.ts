// Metrics of `leadscore evaluate` against independent computations: brute-force pair counting for the
// AUC, hand-worked KS, gains and lift on small hand-made cases (with ties), and the all-one-class edges.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  aucOf, bootstrapAuc, calibration, conversionByGroup, downsample, gainsTable, giniOf, ksStatistic,
  logisticSlope, rank, rocAuc, rocCurve,
} from '../../../src/core/learn/metrics.js';
import { atThreshold, suggestThreshold, thresholdCurve } from '../../../src/core/learn/thresholds.js';
import { evaluateModel } from '../../../src/core/report/evaluation.js';

/** The definition itself: every (positive, negative) pair, 1 when the positive scores higher, ½ on a tie. */
function bruteAuc(scores: number[], labels: number[]): number | null {
  let num = 0;
  let pairs = 0;
  for (let i = 0; i < scores.length; i++) {
    if (labels[i] !== 1) continue;
    for (let j = 0; j < scores.length; j++) {
      if (labels[j] !== 0) continue;
      pairs++;
      num += scores[i]! > scores[j]! ? 1 : scores[i] === scores[j] ? 0.5 : 0;
    }
  }
  return pairs ? num / pairs : null;
}

const r = (s: number[], y: number[]) => rank(Float64Array.from(s), Uint8Array.from(y));

describe('ROC AUC', () => {
  it('counts the pairs a positive wins (hand count: 8 of 9)', () => {
    expect(rocAuc(r([0.9, 0.8, 0.7, 0.6, 0.5, 0.4], [1, 1, 0, 1, 0, 0])).value).toBeCloseTo(8 / 9, 12);
  });

  it('counts a tie as one half', () => {
    // pairs: (1 vs 1) tie ½, (1 vs 0) 1, (0 vs 1) 0, (0 vs 0) tie ½  ->  2 / 4
    expect(rocAuc(r([1, 1, 0, 0], [1, 0, 1, 0])).value).toBe(0.5);
    // 3 beats both negatives (2); the positive 2 ties the negative 2 (½) and beats 1 (1)  ->  3.5 / 4
    expect(rocAuc(r([3, 2, 2, 1], [1, 1, 0, 0])).value).toBe(0.875);
    // every lead tied: no ranking at all
    expect(rocAuc(r([5, 5, 5, 5, 5], [1, 0, 1, 0, 0])).value).toBe(0.5);
  });

  it('is 1 for a perfect ranking and 0 for a reversed one; Gini = 2·AUC − 1', () => {
    expect(rocAuc(r([4, 3, 2, 1], [1, 1, 0, 0])).value).toBe(1);
    expect(rocAuc(r([4, 3, 2, 1], [0, 0, 1, 1])).value).toBe(0);
    expect(giniOf(1)).toBe(1);
    expect(giniOf(0.75)).toBe(0.5);
    expect(giniOf(null)).toBeNull();
  });

  it('is null with a reason, not NaN, when one class is missing or there are no leads', () => {
    for (const [s, y] of [[[3, 2, 1], [1, 1, 1]], [[3, 2, 1], [0, 0, 0]], [[], []]] as [number[], number[]][]) {
      const a = rocAuc(r(s, y));
      expect(a.value).toBeNull();
      expect(a.reason).toMatch(/positive|negative|no evaluated/);
      expect(ksStatistic(r(s, y)).value).toBeNull();
      expect(bootstrapAuc(r(s, y), { resamples: 20, seed: 1 }).value).toBeNull();
      expect(rocCurve(r(s, y))).toBeNull();
      expect(() => gainsTable(r(s, y))).not.toThrow();
      expect(() => suggestThreshold(r(s, y), { kind: 'capacity', value: 2 })).not.toThrow();
    }
    expect(suggestThreshold(r([3, 2, 1], [0, 0, 0]), { kind: 'precision', value: 0.5 }).reason).toMatch(/no positive/);
    expect(suggestThreshold(r([], []), { kind: 'recall', value: 0.5 }).point).toBeNull();
  });

  it('agrees with brute-force pair counting on random samples with many ties (any input order)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 1 })), { minLength: 0, maxLength: 60 }), (rows) => {
        const s = rows.map((x) => x[0]);
        const y = rows.map((x) => x[1]);
        const want = bruteAuc(s, y);
        const got = rocAuc(r(s, y)).value;
        if (want === null) expect(got).toBeNull();
        else expect(got).toBeCloseTo(want, 12);
        const rev = rocAuc(r([...s].reverse(), [...y].reverse())).value;
        expect(rev).toBe(got);
      }),
      { numRuns: 300 },
    );
  });

  it('weights count a lead several times (what the bootstrap relies on)', () => {
    const s = [5, 4, 4, 2, 1];
    const y = [1, 0, 1, 0, 1];
    const w = [2, 0, 3, 1, 1];
    const es: number[] = [];
    const ey: number[] = [];
    s.forEach((x, i) => { for (let k = 0; k < w[i]!; k++) { es.push(x); ey.push(y[i]!); } });
    expect(aucOf(r(s, y), w)).toBeCloseTo(bruteAuc(es, ey)!, 12);
  });
});

describe('bootstrap interval', () => {
  const s = Array.from({ length: 300 }, (_, i) => (i * 37) % 101);
  const y = s.map((x, i) => (x + ((i * 13) % 60) > 80 ? 1 : 0));
  it('is the same for the same seed, brackets the AUC, and moves with the seed', () => {
    const a = bootstrapAuc(r(s, y), { resamples: 100, seed: 7 }).value!;
    const b = bootstrapAuc(r(s, y), { resamples: 100, seed: 7 }).value!;
    const c = bootstrapAuc(r(s, y), { resamples: 100, seed: 8 }).value!;
    expect(a).toEqual(b);
    expect(c.lower === a.lower && c.upper === a.upper).toBe(false);
    const auc = rocAuc(r(s, y)).value!;
    expect(a.lower).toBeLessThan(auc);
    expect(a.upper).toBeGreaterThan(auc);
    expect(a.level).toBe(0.95);
    expect(a.used).toBe(100);
  });
});

describe('KS statistic', () => {
  it('is the largest TPR − FPR, at the highest score where it occurs (hand-worked)', () => {
    // score >= 0.9: 1/3 − 0; >= 0.8: 2/3 − 0; >= 0.7: 2/3 − 1/3; >= 0.6: 1 − 1/3; ...
    const k = ksStatistic(r([0.9, 0.8, 0.7, 0.6, 0.5, 0.4], [1, 1, 0, 1, 0, 0])).value!;
    expect(k.ks).toBeCloseTo(2 / 3, 12);
    expect(k.score).toBe(0.8);
    expect(k.tpr).toBeCloseTo(2 / 3, 12);
    expect(k.fpr).toBe(0);
  });

  it('moves tied leads together', () => {
    // score >= 2: tpr 1/2, fpr 0;  >= 1 (three tied): tpr 1, fpr 2/3;  >= 0: 1, 1
    const k = ksStatistic(r([2, 1, 1, 1, 0], [1, 1, 0, 0, 0])).value!;
    expect(k.ks).toBe(0.5);
    expect(k.score).toBe(2);
  });
});

describe('gains and lift', () => {
  it('by decile on distinct scores (hand-worked)', () => {
    const s = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1];
    const y = [1, 1, 0, 1, 0, 0, 0, 0, 0, 0];
    const g = gainsTable(r(s, y));
    expect(g).toHaveLength(10);
    expect(g[0]).toMatchObject({ decile: 1, leads: 1, positives: 1, conversion: 1, score_max: 10, score_min: 10 });
    expect(g[0]!.lift).toBeCloseTo(1 / 0.3, 12);
    expect(g[2]!.lift).toBe(0);
    expect(g[1]!.gain).toBeCloseTo(2 / 3, 12);
    expect(g[1]!.cumulative_lift).toBeCloseTo(1 / 0.3, 12);
    expect(g[3]!.gain).toBe(1);
    expect(g[9]!.cumulative_lift).toBeCloseTo(1, 12);
  });

  it('shares a tie group that straddles a boundary in proportion, whatever the input order', () => {
    // halves of 4 leads: [5, one of the two 3s] and [the other 3, 1]; the 3s hold one positive
    const g = gainsTable(r([5, 3, 3, 1], [1, 1, 0, 0]), 2);
    expect(g.map((x) => x.positives)).toEqual([1.5, 0.5]);
    expect(g.map((x) => x.leads)).toEqual([2, 2]);
    const swapped = gainsTable(r([5, 3, 3, 1], [1, 0, 1, 0]), 2);
    expect(swapped).toEqual(g);
    expect(g[0]!.lift).toBeCloseTo(0.75 / 0.5, 12);
  });

  it('leaves empty deciles empty with fewer than ten leads', () => {
    const g = gainsTable(r([3, 2, 1], [1, 0, 0]));
    expect(g.reduce((a, x) => a + x.leads, 0)).toBe(3);
    expect(g.filter((x) => x.leads === 0).every((x) => x.conversion === null && x.score_max === null)).toBe(true);
    expect(g[9]!.gain).toBe(1);
  });
});

describe('ROC curve, conversion per group, thresholds, calibration', () => {
  it('has one point per distinct score and is downsampled keeping the ends', () => {
    const c = rocCurve(r([3, 2, 2, 1], [1, 1, 0, 0]))!;
    expect(c).toEqual([
      { threshold: null, fpr: 0, tpr: 0 },
      { threshold: 3, fpr: 0, tpr: 0.5 },
      { threshold: 2, fpr: 0.5, tpr: 1 },
      { threshold: 1, fpr: 1, tpr: 1 },
    ]);
    const long = Array.from({ length: 1000 }, (_, i) => i);
    const d = downsample(long, 11);
    expect(d).toHaveLength(11);
    expect(d[0]).toBe(0);
    expect(d[10]).toBe(999);
  });

  it('counts conversion per band, with every band listed', () => {
    const rows = conversionByGroup(Int32Array.from([0, 0, 1, 1, 1, -1]), Uint8Array.from([1, 0, 1, 0, 0, 1]), ['hot', 'warm', 'cold']);
    expect(rows[0]).toMatchObject({ name: 'hot', leads: 2, positives: 1, conversion: 0.5, lift: 1 });
    expect(rows[1]).toMatchObject({ leads: 3, positives: 1 });
    expect(rows[2]).toMatchObject({ leads: 0, conversion: null, lift: null });
  });

  it('gives precision, recall and leads at or above a threshold, and suggests thresholds', () => {
    const rk = r([90, 80, 80, 60, 40, 20], [1, 1, 0, 1, 0, 0]);
    expect(atThreshold(rk, 80)).toMatchObject({ leads: 3, positives: 2, precision: 2 / 3, recall: 2 / 3 });
    expect(thresholdCurve(rk).map((p) => p.threshold)).toEqual([90, 80, 60, 40, 20]);
    // lowest threshold with precision >= 0.7: 60 (3 of 4 = 0.75); 80 gives 0.667
    expect(suggestThreshold(rk, { kind: 'precision', value: 0.7 }).point).toMatchObject({ threshold: 60, leads: 4 });
    // highest threshold with recall >= 0.6: 80 (2 of 3)
    expect(suggestThreshold(rk, { kind: 'recall', value: 0.6 }).point).toMatchObject({ threshold: 80 });
    // capacity 2: the two tied 80s cannot be split, so only the 90 fits
    expect(suggestThreshold(rk, { kind: 'capacity', value: 2 }).point).toMatchObject({ threshold: 90, leads: 1 });
    expect(suggestThreshold(rk, { kind: 'precision', value: 1.0 }).point).toMatchObject({ threshold: 90 });
    expect(suggestThreshold(r([5, 5], [1, 0]), { kind: 'capacity', value: 1 }).reason).toMatch(/tied/);
  });

  it('computes the Brier score and calibration deciles of probabilities', () => {
    const c = calibration(Float64Array.from([0.9, 0.2]), Uint8Array.from([1, 1]), 2);
    expect(c.brier).toBeCloseTo((0.01 + 0.64) / 2, 12);
    expect(c.deciles).toEqual([
      { decile: 1, leads: 1, mean_predicted: 0.9, observed: 1 },
      { decile: 2, leads: 1, mean_predicted: 0.2, observed: 1 },
    ]);
  });

  it('fits a one-variable logistic regression (saturated case: exact log-odds)', () => {
    // x = 0: 1 of 4 converted (log-odds ln 1/3); x = 1: 3 of 4 (ln 3): slope 2·ln 3
    const f = logisticSlope(Float64Array.from([0, 0, 0, 0, 1, 1, 1, 1]), Uint8Array.from([0, 0, 0, 1, 0, 1, 1, 1]))!;
    expect(f.intercept).toBeCloseTo(Math.log(1 / 3), 8);
    expect(f.slope).toBeCloseTo(2 * Math.log(3), 8);
    expect(logisticSlope(Float64Array.from([0, 1]), Uint8Array.from([1, 1]))).toBeNull();
  });
});

describe('evaluateModel: calibration only for probability scores', () => {
  const sample = {
    ids: ['a', 'b', 'c', 'd'],
    scores: Float64Array.from([80, 60, 30, 10]),
    labels: Uint8Array.from([1, 0, 1, 0]),
    bands: Int32Array.from([0, 0, 1, 1]),
    grades: Int32Array.from([-1, -1, -1, -1]),
    gradeNames: [],
    firings: { offsets: [0, 0, 0, 0, 0], slots: [], points: [] },
  };
  const facts = { name: 'm', path: 'm.yaml', sha256: 'x', bands: [{ name: 'hot', min: 50 }, { name: 'cold' }], rules: [], predictive: false };
  it('says it does not apply to a points model, and computes Brier on score / 100 for a predictive one', () => {
    const points = evaluateModel(facts, sample, { bootstrap: 0, seed: 1 });
    expect(points.calibration.applies).toBe(false);
    expect(points.auc).toBe(0.75);
    expect(points.bands[0]).toMatchObject({ name: 'hot', leads: 2, positives: 1, at_or_above: { leads: 2, precision: 0.5, recall: 0.5 } });
    expect(points.bands[1]!.at_or_above).toBeNull();
    const prob = evaluateModel({ ...facts, predictive: true }, sample, { bootstrap: 0, seed: 1 });
    expect(prob.calibration.applies).toBe(true);
    if (prob.calibration.applies) expect(prob.calibration.brier).toBeCloseTo((0.04 + 0.36 + 0.49 + 0.01) / 4, 12);
  });
});
