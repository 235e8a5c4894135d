/**
 * Logistic regression: the probability of an outcome as logistic(b0 + b1 x1 + ...),
 * fitted by Newton's method (iteratively reweighted least squares) with an L2
 * penalty, i.e. the most likely coefficients under a Gaussian prior.
 *
 * - Features are standardised (mean 0, standard deviation 1) before the fit,
 *   so one penalty suits features of any scale and the intercept is the
 *   log-odds of an average row. A feature that never varies gets coefficient 0.
 * - The penalised log-likelihood is strictly concave when every penalty is
 *   positive, so Newton's method has one answer to find; each step is halved
 *   until it improves the objective, so the fit converges even on data a
 *   straight line separates perfectly.
 * - Deterministic: no randomness, rows are used in the order given.
 */

export interface LogisticFitOptions {
  /** Penalty (prior precision) on each standardised feature's coefficient, pulled toward 0. */
  l2: number;
  /** Prior on the intercept; precision 0 (the default) leaves it free. */
  intercept?: { mean: number; precision: number };
  maxIterations?: number;
  /** Stop when no coefficient moves more than this. */
  tolerance?: number;
}

export interface LogisticModel {
  /** Log-odds of the outcome for a row at the training mean of every feature. */
  intercept: number;
  /** Log-odds per standard deviation of each feature. */
  coefficients: number[];
  /** Training means and standard deviations, to standardise new rows. */
  means: number[];
  scales: number[];
  sampleSize: number;
  iterations: number;
  converged: boolean;
}

/** 1 / (1 + e^-x), without overflow for large |x|. */
export function logistic(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** The inverse of `logistic`: log(p / (1 - p)). */
export const logit = (p: number): number => Math.log(p / (1 - p));

/** log(1 + e^x), without overflow. */
const softplus = (x: number): number => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));

/** Fits P(outcome) = logistic(intercept + Σ coefficient_j · standardised x_j). */
export function fitLogisticRegression(
  rows: readonly (readonly number[])[],
  outcomes: readonly boolean[],
  options: LogisticFitOptions,
): LogisticModel {
  if (rows.length === 0) throw new RangeError('logistic regression needs at least one row');
  if (rows.length !== outcomes.length) {
    throw new RangeError(`logistic regression got ${rows.length} rows but ${outcomes.length} outcomes`);
  }
  const width = rows[0].length;
  if (rows.some((row) => row.length !== width)) throw new RangeError('logistic regression rows differ in length');

  const n = rows.length;
  const means = Array.from({ length: width }, (_, j) => rows.reduce((sum, row) => sum + row[j], 0) / n);
  const scales = means.map((mean, j) => {
    const sd = Math.sqrt(rows.reduce((sum, row) => sum + (row[j] - mean) ** 2, 0) / n);
    return sd > 1e-12 ? sd : 1;
  });
  // Design matrix: a leading 1 for the intercept, then the standardised features.
  const design = rows.map((row) => [1, ...row.map((value, j) => (value - means[j]) / scales[j])]);
  const y: number[] = outcomes.map((outcome) => (outcome ? 1 : 0));
  const priorMean = [options.intercept?.mean ?? 0, ...Array<number>(width).fill(0)];
  const priorPrecision = [options.intercept?.precision ?? 0, ...Array<number>(width).fill(options.l2)];
  const maxIterations = options.maxIterations ?? 100;
  const tolerance = options.tolerance ?? 1e-9;

  const objective = (theta: number[]): number => {
    let total = 0;
    for (let i = 0; i < n; i++) {
      const eta = dot(design[i], theta);
      total += y[i] * eta - softplus(eta);
    }
    for (let k = 0; k <= width; k++) total -= (priorPrecision[k] * (theta[k] - priorMean[k]) ** 2) / 2;
    return total;
  };

  // Start at the observed rate, smoothed so that all-success or all-failure stays finite.
  const rate = (y.reduce((sum, value) => sum + value, 0) + 0.5) / (n + 1);
  let theta = [logit(rate), ...Array<number>(width).fill(0)];
  let current = objective(theta);
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations && !converged) {
    iterations++;
    const size = width + 1;
    const gradient = theta.map((value, k) => -priorPrecision[k] * (value - priorMean[k]));
    const hessian = Array.from({ length: size }, (_, k) => {
      const row = Array<number>(size).fill(0);
      row[k] = priorPrecision[k];
      return row;
    });
    for (let i = 0; i < n; i++) {
      const x = design[i];
      const p = logistic(dot(x, theta));
      const w = p * (1 - p);
      for (let a = 0; a < size; a++) {
        gradient[a] += (y[i] - p) * x[a];
        for (let b = 0; b < size; b++) hessian[a][b] += w * x[a] * x[b];
      }
    }
    const step = solve(hessian, gradient);
    // Halve the step until it improves the objective (or it is too small to matter).
    let scale = 1;
    let next = theta.map((value, k) => value + step[k]);
    let value = objective(next);
    while (value < current && scale > 1e-10) {
      scale /= 2;
      next = theta.map((v, k) => v + scale * step[k]);
      value = objective(next);
    }
    const moved = Math.max(...step.map((s) => Math.abs(scale * s)));
    if (value >= current) {
      theta = next;
      current = value;
    }
    converged = moved < tolerance || value < current;
  }

  return {
    intercept: theta[0],
    coefficients: theta.slice(1),
    means,
    scales,
    sampleSize: n,
    iterations,
    converged,
  };
}

/** Each feature's share of a row's log-odds, relative to an average row. */
export function contributions(model: LogisticModel, row: readonly number[]): number[] {
  return model.coefficients.map((coefficient, j) => (coefficient * (row[j] - model.means[j])) / model.scales[j]);
}

export function predictLogOdds(model: LogisticModel, row: readonly number[]): number {
  return contributions(model, row).reduce((sum, value) => sum + value, model.intercept);
}

export const predictProbability = (model: LogisticModel, row: readonly number[]): number =>
  logistic(predictLogOdds(model, row));

function dot(a: readonly number[], b: readonly number[]): number {
  let sum = 0;
  for (let k = 0; k < a.length; k++) sum += a[k] * b[k];
  return sum;
}

/** Solves A x = b by Gaussian elimination with partial pivoting; A is small and, with a penalty, positive definite. */
function solve(matrix: readonly (readonly number[])[], vector: readonly number[]): number[] {
  const size = vector.length;
  const a = matrix.map((row, k) => [...row, vector[k]]);
  for (let column = 0; column < size; column++) {
    let pivot = column;
    for (let r = column + 1; r < size; r++) if (Math.abs(a[r][column]) > Math.abs(a[pivot][column])) pivot = r;
    [a[column], a[pivot]] = [a[pivot], a[column]];
    const lead = a[column][column];
    // A free intercept on data of one outcome only: its curvature vanishes; leave it where it is.
    if (Math.abs(lead) < 1e-300) continue;
    for (let r = 0; r < size; r++) {
      if (r === column) continue;
      const factor = a[r][column] / lead;
      if (factor === 0) continue;
      for (let c = column; c <= size; c++) a[r][c] -= factor * a[column][c];
    }
  }
  return a.map((row, k) => (Math.abs(row[k]) < 1e-300 ? 0 : row[size] / row[k]));
}
