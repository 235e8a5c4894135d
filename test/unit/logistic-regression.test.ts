import { describe, expect, it } from 'vitest';
import {
  contributions,
  fitLogisticRegression,
  logistic,
  logit,
  predictLogOdds,
  predictProbability,
} from '../../source/domain/logistic-regression.js';
import { seeded } from '../helpers/seeded.js';

/** Rows of two features (a gaussian-ish number and a 0/1 flag) with outcomes drawn from known coefficients. */
function simulate(seed: number, n: number, truth: { intercept: number; x: number; flag: number }) {
  const random = seeded(seed);
  const rows: number[][] = [];
  const outcomes: boolean[] = [];
  for (let i = 0; i < n; i++) {
    const x = random() + random() + random() - 1.5;
    const flag = random() < 0.3 ? 1 : 0;
    rows.push([x, flag]);
    outcomes.push(random() < logistic(truth.intercept + truth.x * x + truth.flag * flag));
  }
  return { rows, outcomes };
}

describe('logistic and logit', () => {
  it('are inverses', () => {
    for (const x of [-8, -2, -0.5, 0, 0.5, 2, 8]) expect(logit(logistic(x))).toBeCloseTo(x, 9);
  });

  it('stay finite and inside [0, 1] for large inputs', () => {
    expect(logistic(-1000)).toBe(0);
    expect(logistic(1000)).toBe(1);
    expect(logistic(-30)).toBeGreaterThan(0);
    expect(logistic(0)).toBe(0.5);
  });
});

describe('fitLogisticRegression', () => {
  it('recovers the coefficients that generated the data', () => {
    const truth = { intercept: 0.5, x: 2, flag: -1.5 };
    const { rows, outcomes } = simulate(7, 20_000, truth);
    const model = fitLogisticRegression(rows, outcomes, { l2: 0.01 });
    expect(model.converged).toBe(true);
    // Coefficients are per standard deviation; back on the raw scale they match the truth.
    expect(Math.abs(model.coefficients[0] / model.scales[0] - truth.x)).toBeLessThan(0.15);
    expect(Math.abs(model.coefficients[1] / model.scales[1] - truth.flag)).toBeLessThan(0.15);
    const rawIntercept = predictLogOdds(model, [0, 0]);
    expect(Math.abs(rawIntercept - truth.intercept)).toBeLessThan(0.15);
    expect(predictProbability(model, [1, 1])).toBeCloseTo(logistic(0.5 + 2 - 1.5), 1);
  });

  it('is deterministic', () => {
    const { rows, outcomes } = simulate(3, 500, { intercept: 0, x: 1, flag: 1 });
    expect(fitLogisticRegression(rows, outcomes, { l2: 1 })).toEqual(fitLogisticRegression(rows, outcomes, { l2: 1 }));
  });

  it('converges in few steps on data a line separates perfectly', () => {
    const rows = Array.from({ length: 40 }, (_, i) => [i]);
    const outcomes = rows.map(([x]) => x >= 20);
    const model = fitLogisticRegression(rows, outcomes, { l2: 1 });
    expect(model.converged).toBe(true);
    expect(model.iterations).toBeLessThan(30);
    expect(Number.isFinite(model.coefficients[0])).toBe(true);
    expect(predictProbability(model, [35])).toBeGreaterThan(0.9);
    expect(predictProbability(model, [5])).toBeLessThan(0.1);
  });

  it('stays finite when every outcome is the same, with a prior on the intercept', () => {
    const rows = Array.from({ length: 50 }, (_, i) => [i % 7, i % 2]);
    const model = fitLogisticRegression(rows, Array<boolean>(50).fill(true), {
      l2: 1,
      intercept: { mean: 4, precision: 0.1 },
    });
    expect(model.converged).toBe(true);
    expect(model.intercept).toBeGreaterThan(4);
    expect(model.intercept).toBeLessThan(9);
    expect(predictProbability(model, [3, 1])).toBeLessThan(1);
  });

  it('gives a feature that never varies no weight', () => {
    const { rows, outcomes } = simulate(11, 300, { intercept: 0, x: 1, flag: 0 });
    const model = fitLogisticRegression(
      rows.map(([x]) => [x, 5]),
      outcomes,
      { l2: 1 },
    );
    expect(model.coefficients[1]).toBe(0);
    expect(model.scales[1]).toBe(1);
  });

  it('shrinks coefficients more under a larger penalty', () => {
    const { rows, outcomes } = simulate(5, 200, { intercept: 0, x: 2, flag: 0 });
    const loose = fitLogisticRegression(rows, outcomes, { l2: 0.1 });
    const tight = fitLogisticRegression(rows, outcomes, { l2: 100 });
    expect(Math.abs(tight.coefficients[0])).toBeLessThan(Math.abs(loose.coefficients[0]));
  });

  it('splits a prediction into contributions that add up to it', () => {
    const { rows, outcomes } = simulate(9, 400, { intercept: 1, x: -1, flag: 2 });
    const model = fitLogisticRegression(rows, outcomes, { l2: 1 });
    const row = [0.7, 1];
    const parts = contributions(model, row);
    expect(parts.reduce((sum, part) => sum + part, model.intercept)).toBeCloseTo(predictLogOdds(model, row), 12);
    // A row at the training means contributes nothing.
    expect(contributions(model, model.means).every((part) => Math.abs(part) < 1e-12)).toBe(true);
  });

  it('rejects rows and outcomes that do not match', () => {
    expect(() => fitLogisticRegression([], [], { l2: 1 })).toThrow(/at least one row/);
    expect(() => fitLogisticRegression([[1]], [true, false], { l2: 1 })).toThrow(/1 rows but 2 outcomes/);
    expect(() => fitLogisticRegression([[1], [1, 2]], [true, false], { l2: 1 })).toThrow(/differ in length/);
  });
});
