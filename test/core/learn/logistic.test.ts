// The optimiser on small problems with known solutions, the splits, and AUC.
import { describe, expect, it } from 'vitest';
import { aucOf, cholesky, choleskySolve, denseDesign, fitLogistic, linearPredictor, sigmoid } from '../../../src/core/learn/logistic.js';
import { C_GRID, chooseC, stratifiedFolds, stratifiedHoldout } from '../../../src/core/learn/cv.js';

const X10 = [[0.5, 1], [1.5, 0], [-1, 1], [2, 1], [0, 0], [-0.5, 0], [1, 1], [-2, 0], [0.3, 1], [1.2, 0]];
const Y10 = Uint8Array.from([1, 1, 0, 1, 0, 0, 0, 0, 1, 1]);

describe('fitLogistic', () => {
  it('without features, the intercept is the log-odds of the base rate (closed form)', () => {
    const y = Uint8Array.from([1, 0, 0, 0, 1, 0, 0, 0]);
    const X = denseDesign(y.map(() => 0).reduce<number[][]>((a) => [...a, []], []));
    const r = fitLogistic({ ...X, cols: 0 }, y, { lambda: 1 });
    expect(r.converged).toBe(true);
    expect(r.intercept).toBeCloseTo(Math.log(2 / 6), 10);
  });

  it('one binary feature, almost no penalty: intercept and coefficient are the two groups\' log-odds (closed form)', () => {
    // x = 0: 1 positive of 4; x = 1: 3 positives of 4
    const rows = [[0], [0], [0], [0], [1], [1], [1], [1]];
    const y = Uint8Array.from([1, 0, 0, 0, 1, 1, 1, 0]);
    const r = fitLogistic(denseDesign(rows), y, { lambda: 1e-9 });
    expect(r.converged).toBe(true);
    expect(r.intercept).toBeCloseTo(Math.log(1 / 3), 6);
    expect(r.intercept + r.coef[0]!).toBeCloseTo(Math.log(3 / 1), 6);
  });

  it('matches scikit-learn LogisticRegression (newton-cg, C = 1 and C = 0.1) on a small problem', () => {
    const X = denseDesign(X10);
    const a = fitLogistic(X, Y10, { lambda: 1 / 1.0 });
    expect(a.converged).toBe(true);
    expect(a.intercept).toBeCloseTo(-0.4780108594491241, 7);
    expect(a.coef[0]).toBeCloseTo(1.1044486054286906, 7);
    expect(a.coef[1]).toBeCloseTo(0.17422414112931453, 7);
    const b = fitLogistic(X, Y10, { lambda: 1 / 0.1 });
    expect(b.intercept).toBeCloseTo(-0.11103301652569676, 7);
    expect(b.coef[0]).toBeCloseTo(0.30065679307293636, 7);
    expect(b.coef[1]).toBeCloseTo(0.03826749684672548, 7);
  });

  it('the solution satisfies the optimality conditions: sum(p - y) = 0 and X\'(p - y) + lambda w = 0', () => {
    const X = denseDesign(X10);
    const lambda = 0.7;
    const r = fitLogistic(X, Y10, { lambda });
    const g = [0, 0, 0];
    for (let i = 0; i < X10.length; i++) {
      const res = sigmoid(linearPredictor(X, i, r.intercept, r.coef)) - Y10[i]!;
      g[0]! += res;
      g[1]! += res * X10[i]![0]!;
      g[2]! += res * X10[i]![1]!;
    }
    expect(Math.abs(g[0]!)).toBeLessThan(1e-8);
    expect(Math.abs(g[1]! + lambda * r.coef[0]!)).toBeLessThan(1e-8);
    expect(Math.abs(g[2]! + lambda * r.coef[1]!)).toBeLessThan(1e-8);
  });

  it('separable data converges to finite coefficients (the penalty keeps it well posed)', () => {
    const rows = [[-3], [-2], [-1], [-0.5], [0.5], [1], [2], [3]];
    const y = Uint8Array.from([0, 0, 0, 0, 1, 1, 1, 1]);
    for (const lambda of [1e-4, 1e-2, 1]) {
      const r = fitLogistic(denseDesign(rows), y, { lambda });
      expect(r.converged).toBe(true);
      expect(Number.isFinite(r.coef[0]!)).toBe(true);
      expect(Number.isFinite(r.intercept)).toBe(true);
      expect(r.coef[0]!).toBeGreaterThan(0);
      expect(r.iterations).toBeLessThan(100);
    }
    // a weaker penalty lets the coefficient grow, but it stays finite
    const weak = fitLogistic(denseDesign(rows), y, { lambda: 1e-4 }).coef[0]!;
    const strong = fitLogistic(denseDesign(rows), y, { lambda: 1 }).coef[0]!;
    expect(weak).toBeGreaterThan(strong);
  });

  it('a warm start reaches the same solution', () => {
    const X = denseDesign(X10);
    const cold = fitLogistic(X, Y10, { lambda: 0.3 });
    const warm = fitLogistic(X, Y10, { lambda: 0.3, init: { intercept: 2, coef: Float64Array.from([-3, 4]) } });
    expect(warm.intercept).toBeCloseTo(cold.intercept, 8);
    expect(warm.coef[0]).toBeCloseTo(cold.coef[0]!, 8);
  });

  it('fits on a subset of rows only', () => {
    const X = denseDesign(X10);
    const subset = Int32Array.from([0, 1, 2, 3, 4, 5]);
    const sub = fitLogistic(X, Y10, { lambda: 1, subset });
    const direct = fitLogistic(denseDesign(X10.slice(0, 6)), Y10.slice(0, 6), { lambda: 1 });
    expect(sub.coef[0]).toBeCloseTo(direct.coef[0]!, 10);
    expect(sub.intercept).toBeCloseTo(direct.intercept, 10);
  });
});

describe('cholesky', () => {
  it('solves a symmetric positive definite system', () => {
    const A = Float64Array.from([4, 2, 0.6, 2, 5, 1, 0.6, 1, 3]);
    const b = Float64Array.from([1, 2, 3]);
    const L = Float64Array.from(A);
    expect(cholesky(L, 3)).toBe(true);
    const x = Float64Array.from(b);
    choleskySolve(L, 3, x);
    for (let i = 0; i < 3; i++) {
      let s = 0;
      for (let j = 0; j < 3; j++) s += A[i * 3 + j]! * x[j]!;
      expect(s).toBeCloseTo(b[i]!, 12);
    }
  });
  it('refuses a matrix that is not positive definite', () => {
    expect(cholesky(Float64Array.from([1, 2, 2, 1]), 2)).toBe(false);
  });
});

describe('aucOf', () => {
  it('counts ties as half (hand-checked)', () => {
    // positives: 0.8, 0.5; negatives: 0.5, 0.2 -> pairs: (0.8>0.5) 1, (0.8>0.2) 1, (0.5=0.5) 0.5, (0.5>0.2) 1 -> 3.5 / 4
    expect(aucOf([0.8, 0.5, 0.5, 0.2], [1, 1, 0, 0])).toBeCloseTo(0.875, 12);
    expect(aucOf([0.1, 0.9], [1, 0])).toBe(0);
    expect(aucOf([0.1, 0.9], [1, 1])).toBeNaN();
  });
});

describe('splits', () => {
  const y = Uint8Array.from({ length: 1000 }, (_, i) => (i % 10 === 0 ? 1 : 0)); // 100 positives

  it('the holdout is stratified and deterministic for a seed', () => {
    const a = stratifiedHoldout(y, 0.2, 1);
    const b = stratifiedHoldout(y, 0.2, 1);
    const c = stratifiedHoldout(y, 0.2, 2);
    expect(Array.from(a.holdout)).toEqual(Array.from(b.holdout));
    expect(Array.from(a.holdout)).not.toEqual(Array.from(c.holdout));
    expect(a.holdout.length).toBe(200);
    expect(a.holdout.reduce((s, i) => s + y[i]!, 0)).toBe(20);
    expect(a.train.length + a.holdout.length).toBe(1000);
    expect(new Set([...a.train, ...a.holdout]).size).toBe(1000);
  });

  it('folds are stratified', () => {
    const rows = Int32Array.from({ length: 1000 }, (_, i) => i);
    const fold = stratifiedFolds(rows, y, 5, 1);
    for (let f = 0; f < 5; f++) {
      const inFold = [...rows].filter((_, t) => fold[t] === f);
      expect(inFold.length).toBe(200);
      expect(inFold.reduce((s, i) => s + y[i]!, 0)).toBe(20);
    }
  });

  it('the penalty chosen by cross-validation is deterministic for a seed and on the grid', () => {
    const rows: number[][] = [];
    const yy: number[] = [];
    let s = 7;
    const rand = () => ((s = (s * 16807) % 2147483647) / 2147483647);
    for (let i = 0; i < 300; i++) {
      const a = rand() * 4 - 2;
      const b = rand() * 4 - 2;
      rows.push([a, b]);
      yy.push(rand() < sigmoid(1.5 * a - 0.5) ? 1 : 0);
    }
    const X = denseDesign(rows);
    const Y = Uint8Array.from(yy);
    const train = Int32Array.from({ length: 300 }, (_, i) => i);
    const a = chooseC(X, Y, train, 5, 3);
    const b = chooseC(X, Y, train, 5, 3);
    expect(a).toEqual(b);
    expect(C_GRID).toContain(a.c);
    expect(a.logLoss.length).toBe(C_GRID.length);
    // the strongest penalty (C = 0.001) predicts nearly the base rate: worse than the chosen C
    expect(a.logLoss[0]!).toBeGreaterThan(Math.min(...a.logLoss));
  });
});
