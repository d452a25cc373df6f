// L2-regularised logistic regression by Newton's method (IRLS), for the small dense problems of
// `leadscore train` (a few hundred encoded columns at most, any number of rows). Pure, no dependencies.
//
// Objective (the same as scikit-learn's LogisticRegression with C = 1 / lambda and an unpenalised
// intercept, solver lbfgs/newton-cg):
//   f(b0, w) = sum_i [ log(1 + e^{z_i}) - y_i z_i ] + (lambda / 2) ||w||^2,   z_i = b0 + x_i . w
// Each Newton step solves H d = -g by Cholesky; the step is halved until the objective decreases
// enough (Armijo). With lambda > 0 the problem is strictly convex and bounded below, so separable data
// converges to finite coefficients.
import { sigmoid } from '../stats.js';
import { aucOf as rocAucOf, rank } from './metrics.js';

/** Rows of the encoded design matrix, compressed (CSR): row i has entries rowPtr[i] .. rowPtr[i+1]-1. */
export interface Design {
  rows: number;
  /** Encoded columns (the intercept is not a column). */
  cols: number;
  rowPtr: Int32Array;
  col: Int32Array;
  val: Float64Array;
}

export interface FitOptions {
  /** L2 penalty on the coefficients (not the intercept); > 0. */
  lambda: number;
  /** Rows to fit on (default: all). */
  subset?: Int32Array;
  /** Warm start. */
  init?: { intercept: number; coef: Float64Array };
  maxIter?: number;
  /** Convergence: max |gradient| <= tol * (number of rows). Default 1e-9. */
  tol?: number;
}

export interface FitResult {
  intercept: number;
  coef: Float64Array;
  iterations: number;
  converged: boolean;
  /** max |gradient| at the solution. */
  gradNorm: number;
  /** Objective value at the solution. */
  objective: number;
}

/** log(1 + e^z) without overflow. */
export function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

export { sigmoid };

/** Build a CSR design from dense rows (tests, small problems). Zeros are left out. */
export function denseDesign(rows: readonly (readonly number[])[]): Design {
  const cols = rows[0]?.length ?? 0;
  const rowPtr = new Int32Array(rows.length + 1);
  const col: number[] = [];
  const val: number[] = [];
  rows.forEach((r, i) => {
    r.forEach((v, j) => {
      if (v !== 0) {
        col.push(j);
        val.push(v);
      }
    });
    rowPtr[i + 1] = col.length;
  });
  return { rows: rows.length, cols, rowPtr, col: Int32Array.from(col), val: Float64Array.from(val) };
}

/** Linear predictor b0 + x_i . w for one row. */
export function linearPredictor(X: Design, i: number, intercept: number, coef: Float64Array): number {
  let z = intercept;
  for (let k = X.rowPtr[i]!; k < X.rowPtr[i + 1]!; k++) z += X.val[k]! * coef[X.col[k]!]!;
  return z;
}

function allRows(n: number): Int32Array {
  const r = new Int32Array(n);
  for (let i = 0; i < n; i++) r[i] = i;
  return r;
}

function objective(X: Design, y: Uint8Array, rows: Int32Array, b0: number, w: Float64Array, lambda: number): number {
  let f = 0;
  for (let t = 0; t < rows.length; t++) {
    const i = rows[t]!;
    const z = linearPredictor(X, i, b0, w);
    f += softplus(z) - (y[i] ? z : 0);
  }
  let ww = 0;
  for (let j = 0; j < w.length; j++) ww += w[j]! * w[j]!;
  return f + 0.5 * lambda * ww;
}

/**
 * In-place Cholesky of the symmetric positive definite m×m matrix A (row-major; the lower triangle is
 * read and overwritten with L). Returns false when A is not positive definite.
 */
export function cholesky(A: Float64Array, m: number): boolean {
  for (let j = 0; j < m; j++) {
    let d = A[j * m + j]!;
    for (let k = 0; k < j; k++) d -= A[j * m + k]! * A[j * m + k]!;
    if (!(d > 0) || !Number.isFinite(d)) return false;
    const ljj = Math.sqrt(d);
    A[j * m + j] = ljj;
    for (let i = j + 1; i < m; i++) {
      let s = A[i * m + j]!;
      for (let k = 0; k < j; k++) s -= A[i * m + k]! * A[j * m + k]!;
      A[i * m + j] = s / ljj;
    }
  }
  return true;
}

/** Solve L L^T x = b with the factor from cholesky(); b is overwritten with x. */
export function choleskySolve(L: Float64Array, m: number, b: Float64Array): void {
  for (let i = 0; i < m; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= L[i * m + k]! * b[k]!;
    b[i] = s / L[i * m + i]!;
  }
  for (let i = m - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let k = i + 1; k < m; k++) s -= L[k * m + i]! * b[k]!;
    b[i] = s / L[i * m + i]!;
  }
}

export function fitLogistic(X: Design, y: Uint8Array, opts: FitOptions): FitResult {
  const { lambda } = opts;
  if (!(lambda > 0)) throw new Error('fitLogistic: lambda must be > 0');
  const rows = opts.subset ?? allRows(X.rows);
  const n = rows.length;
  const p = X.cols;
  const m = p + 1; // index 0: intercept
  const maxIter = opts.maxIter ?? 100;
  const tol = (opts.tol ?? 1e-9) * Math.max(1, n);

  let b0 = opts.init?.intercept ?? 0;
  let w = opts.init ? Float64Array.from(opts.init.coef) : new Float64Array(p);
  if (!opts.init) {
    // start from the base rate: converges in fewer steps
    let pos = 0;
    for (let t = 0; t < n; t++) pos += y[rows[t]!]!;
    const rate = Math.min(Math.max(pos / Math.max(n, 1), 1e-6), 1 - 1e-6);
    b0 = Math.log(rate / (1 - rate));
  }
  let f = objective(X, y, rows, b0, w, lambda);
  const g = new Float64Array(m);
  const H = new Float64Array(m * m);
  const d = new Float64Array(m);
  const wNew = new Float64Array(p);
  let gradNorm = Infinity;
  let iterations = 0;
  let converged = false;

  for (; iterations < maxIter; iterations++) {
    g.fill(0);
    H.fill(0);
    for (let t = 0; t < n; t++) {
      const i = rows[t]!;
      const start = X.rowPtr[i]!;
      const end = X.rowPtr[i + 1]!;
      const z = linearPredictor(X, i, b0, w);
      const pr = sigmoid(z);
      const r = pr - y[i]!;
      const s = pr * (1 - pr);
      g[0] = g[0]! + r;
      H[0] = H[0]! + s;
      for (let a = start; a < end; a++) {
        const ca = X.col[a]! + 1;
        const va = X.val[a]!;
        g[ca] = g[ca]! + r * va;
        const sva = s * va;
        H[ca] = H[ca]! + sva; // row 0, column ca (upper triangle)
        for (let b = start; b < end; b++) {
          const cb = X.col[b]! + 1;
          if (cb < ca) continue;
          H[ca * m + cb] = H[ca * m + cb]! + sva * X.val[b]!;
        }
      }
    }
    for (let j = 0; j < p; j++) {
      g[j + 1] = g[j + 1]! + lambda * w[j]!;
      H[(j + 1) * m + j + 1] = H[(j + 1) * m + j + 1]! + lambda;
    }
    gradNorm = 0;
    for (let j = 0; j < m; j++) gradNorm = Math.max(gradNorm, Math.abs(g[j]!));
    if (gradNorm <= tol) {
      converged = true;
      break;
    }
    // mirror the upper triangle into the lower one, which cholesky() reads
    for (let i = 0; i < m; i++) for (let j = i + 1; j < m; j++) H[j * m + i] = H[i * m + j]!;
    // the intercept's curvature vanishes when every probability saturates: keep the system definite
    let jitter = 0;
    const Hcopy = Float64Array.from(H);
    while (!cholesky(H, m)) {
      jitter = jitter === 0 ? 1e-10 * Math.max(1, n) : jitter * 10;
      H.set(Hcopy);
      for (let j = 0; j < m; j++) H[j * m + j] = H[j * m + j]! + jitter;
      if (jitter > 1e6 * Math.max(1, n)) throw new Error('fitLogistic: Hessian is not positive definite');
    }
    for (let j = 0; j < m; j++) d[j] = -g[j]!;
    choleskySolve(H, m, d);
    let slope = 0;
    for (let j = 0; j < m; j++) slope += g[j]! * d[j]!;
    // step halving (Armijo)
    let step = 1;
    let accepted = false;
    for (let h = 0; h < 60; h++) {
      const b0New = b0 + step * d[0]!;
      for (let j = 0; j < p; j++) wNew[j] = w[j]! + step * d[j + 1]!;
      const fNew = objective(X, y, rows, b0New, wNew, lambda);
      if (fNew <= f + 1e-4 * step * slope) {
        const decrease = f - fNew;
        b0 = b0New;
        w = Float64Array.from(wNew);
        f = fNew;
        accepted = true;
        // no measurable progress left: the gradient is as small as rounding allows
        if (decrease <= 1e-15 * Math.max(1, Math.abs(f)) && step < 1) converged = true;
        break;
      }
      step /= 2;
    }
    if (!accepted) {
      // no decrease along the Newton direction: we are at the minimum to machine precision
      converged = gradNorm <= 1e-6 * Math.max(1, n);
      break;
    }
    if (converged) {
      iterations++;
      break;
    }
  }
  return { intercept: b0, coef: w, iterations, converged, gradNorm, objective: f };
}

// ---------------------------------------------------------------------------------------------------
// Metrics used by training

/**
 * Area under the ROC curve of `scores` against `y` over `subset` (default all): metrics.ts's AUC (the one
 * definition, shared with evaluate). NaN when a class is absent.
 */
export function aucOf(scores: ArrayLike<number>, y: ArrayLike<number>, subset?: ArrayLike<number>): number {
  const n = subset ? subset.length : scores.length;
  const s = new Float64Array(n);
  const l = new Uint8Array(n);
  for (let t = 0; t < n; t++) {
    const i = subset ? subset[t]! : t;
    s[t] = scores[i]!;
    l[t] = y[i] ? 1 : 0;
  }
  return rocAucOf(rank(s, l)) ?? NaN;
}

/** Mean log-loss of probabilities (clipped to [1e-15, 1 - 1e-15]). */
export function logLoss(prob: ArrayLike<number>, y: ArrayLike<number>, subset: ArrayLike<number>): number {
  let s = 0;
  for (let t = 0; t < subset.length; t++) {
    const i = subset[t]!;
    const p = Math.min(Math.max(prob[i]!, 1e-15), 1 - 1e-15);
    s -= y[i] ? Math.log(p) : Math.log(1 - p);
  }
  return s / Math.max(1, subset.length);
}
