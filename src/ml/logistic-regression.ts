/**
 * Binary L2-regularised logistic regression, matching scikit-learn's
 * `LogisticRegression(C, class_weight='balanced')` (lbfgs) objective exactly:
 *
 *   0.5 * ||w||^2 + C * sum_i sw_i * logloss_i      (the intercept is not penalised)
 *
 * With only a handful of features the (d+1)x(d+1) Hessian is tiny, so Newton's method (IRLS)
 * reaches the optimum to machine precision in a few passes, where lbfgs stops at its tolerance.
 */
export interface LogisticRegressionModel {
  readonly coefficients: number[];
  readonly intercept: number;
}

export interface LogisticRegressionFit extends LogisticRegressionModel {
  readonly iterations: number;
  readonly converged: boolean;
}

export interface LogisticRegressionOptions {
  /** Inverse regularisation strength, as sklearn's `C`. */
  readonly C?: number;
  /** `'balanced'`: weight n / (2 * count_c) per class, as sklearn; `'none'`: all weights 1. */
  readonly classWeight?: 'balanced' | 'none';
  readonly maxIterations?: number;
  /** Stop when the largest gradient component falls below this. */
  readonly tolerance?: number;
}

export function sigmoid(z: number): number {
  // Two branches so exp never overflows for large |z|.
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/**
 * Flat row-major copy of X with a trailing 1 column (the intercept), so the inner loops need no
 * special case, plus each row's class weight ('balanced' unless `classWeight` is 'none').
 */
function designMatrix(X: readonly (readonly number[])[], y: readonly number[], classWeight: LogisticRegressionOptions['classWeight']) {
  const n = X.length;
  if (n === 0 || n !== y.length) throw new Error(`need matching non-empty X and y (got ${n} rows, ${y.length} labels)`);
  const d = X[0].length;
  const p = d + 1; // the last parameter is the intercept

  const A = new Float64Array(n * p);
  const sw = new Float64Array(n);
  const positives = y.reduce((acc, v) => acc + (v === 1 ? 1 : 0), 0);
  if (classWeight !== 'none' && (positives === 0 || positives === n)) {
    throw new Error('balanced class weights need both classes in y');
  }
  const wPos = classWeight === 'none' ? 1 : n / (2 * positives);
  const wNeg = classWeight === 'none' ? 1 : n / (2 * (n - positives));
  for (let i = 0; i < n; i++) {
    const row = X[i];
    if (row.length !== d) throw new Error(`row ${i} has ${row.length} features, expected ${d}`);
    for (let j = 0; j < d; j++) A[i * p + j] = row[j];
    A[i * p + d] = 1;
    sw[i] = y[i] === 1 ? wPos : wNeg;
  }
  const labels = Float64Array.from(y);
  return { A, sw, labels, n, d, p };
}

export function fitLogisticRegression(
  X: readonly (readonly number[])[],
  y: readonly number[],
  options: LogisticRegressionOptions = {},
): LogisticRegressionFit {
  const C = options.C ?? 1.0;
  const maxIterations = options.maxIterations ?? 100;
  const tolerance = options.tolerance ?? 1e-10;
  const { A, sw, labels, n, d, p } = designMatrix(X, y, options.classWeight);

  const theta = new Float64Array(p);
  let current = evaluate(A, labels, sw, theta, C, n, p);
  let iterations = 0;
  let converged = false;

  while (iterations < maxIterations) {
    const { grad, hess } = current;
    let gmax = 0;
    for (let j = 0; j < p; j++) gmax = Math.max(gmax, Math.abs(grad[j]));
    if (gmax < tolerance * Math.max(1, C * n)) {
      converged = true;
      break;
    }
    const step = solveSymmetric(hess, grad, p);
    iterations++;
    // Half the Newton decrement bounds the remaining suboptimality. Once it is below rounding of
    // the objective a line search can only chase noise, so take the full step and stop.
    let decrement = 0;
    for (let j = 0; j < p; j++) decrement += grad[j] * step[j];
    if (decrement / 2 <= 1e-10 * Math.max(1, Math.abs(current.objective))) {
      for (let j = 0; j < p; j++) theta[j] -= step[j];
      converged = true;
      break;
    }
    // Backtracking keeps Newton monotone on badly scaled or nearly separable data. Each trial point
    // is evaluated with its derivatives in the same pass, so an accepted step costs one pass.
    let accepted = false;
    const candidate = new Float64Array(p);
    for (let k = 0, t = 1; k < 40 && !accepted; k++, t /= 2) {
      for (let j = 0; j < p; j++) candidate[j] = theta[j] - t * step[j];
      const next = evaluate(A, labels, sw, candidate, C, n, p);
      if (next.objective <= current.objective) {
        theta.set(candidate);
        current = next;
        accepted = true;
      }
    }
    // No decrease along a descent direction: stuck on rounding, report it as not converged.
    if (!accepted) break;
  }
  return { coefficients: Array.from(theta.subarray(0, d)), intercept: theta[d], iterations, converged };
}

interface Evaluation {
  readonly objective: number;
  readonly grad: Float64Array;
  readonly hess: Float64Array;
}

/** Objective, gradient and Hessian in one pass over the rows (one exp and one log1p per row). */
function evaluate(
  A: Float64Array,
  y: Float64Array,
  sw: Float64Array,
  theta: Float64Array,
  C: number,
  n: number,
  p: number,
): Evaluation {
  const grad = new Float64Array(p);
  const hess = new Float64Array(p * p);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const o = i * p;
    let z = 0;
    for (let j = 0; j < p; j++) z += A[o + j] * theta[j];
    // e = exp(-|z|) never overflows; sigmoid and log(1 + exp(±z)) both follow from it.
    const e = Math.exp(-Math.abs(z));
    const mu = z >= 0 ? 1 / (1 + e) : e / (1 + e);
    const log1pe = Math.log1p(e);
    // logloss = log(1 + exp(-z)) for y = 1, log(1 + exp(z)) for y = 0.
    loss += sw[i] * ((y[i] === 1 ? Math.max(-z, 0) : Math.max(z, 0)) + log1pe);
    const r = C * sw[i] * (mu - y[i]);
    const w = C * sw[i] * mu * (1 - mu);
    for (let j = 0; j < p; j++) {
      const aj = A[o + j];
      grad[j] += r * aj;
      const wa = w * aj;
      // Upper triangle only; mirrored below.
      for (let k = j; k < p; k++) hess[j * p + k] += wa * A[o + k];
    }
  }
  for (let j = 0; j < p; j++) for (let k = 0; k < j; k++) hess[j * p + k] = hess[k * p + j];
  // The L2 term: identity on the weights, nothing on the intercept.
  let penalty = 0;
  for (let j = 0; j < p - 1; j++) {
    penalty += theta[j] * theta[j];
    grad[j] += theta[j];
    hess[j * p + j] += 1;
  }
  return { objective: 0.5 * penalty + C * loss, grad, hess };
}

/** Gaussian elimination with partial pivoting; the Hessian is positive definite so this is safe. */
function solveSymmetric(H: Float64Array, b: Float64Array, p: number): Float64Array {
  const M = Float64Array.from(H);
  const x = Float64Array.from(b);
  for (let c = 0; c < p; c++) {
    let pivot = c;
    for (let r = c + 1; r < p; r++) if (Math.abs(M[r * p + c]) > Math.abs(M[pivot * p + c])) pivot = r;
    if (pivot !== c) {
      for (let k = 0; k < p; k++) [M[c * p + k], M[pivot * p + k]] = [M[pivot * p + k], M[c * p + k]];
      [x[c], x[pivot]] = [x[pivot], x[c]];
    }
    const diag = M[c * p + c];
    if (diag === 0) throw new Error('singular Hessian');
    for (let r = c + 1; r < p; r++) {
      const f = M[r * p + c] / diag;
      if (f === 0) continue;
      for (let k = c; k < p; k++) M[r * p + k] -= f * M[c * p + k];
      x[r] -= f * x[c];
    }
  }
  for (let r = p - 1; r >= 0; r--) {
    let s = x[r];
    for (let k = r + 1; k < p; k++) s -= M[r * p + k] * x[k];
    x[r] = s / M[r * p + r];
  }
  return x;
}

export function decisionFunction(model: LogisticRegressionModel, row: readonly number[]): number {
  let z = model.intercept;
  for (let j = 0; j < model.coefficients.length; j++) z += model.coefficients[j] * row[j];
  return z;
}

/** Probability of the positive class for each (already scaled) row. */
export function predictProba(model: LogisticRegressionModel, X: readonly (readonly number[])[]): number[] {
  return X.map((row) => sigmoid(decisionFunction(model, row)));
}
