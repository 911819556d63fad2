import { seededRandom } from './prng';
import {
  type LabeledScore,
  applyCalibration,
  calibratedConfidence,
  chooseCalibration,
  crossValidatedProbabilities,
  expectedCalibrationError,
  fitIsotonic,
  fitPlatt,
  foldAssignment,
} from './calibration';

/** Scores whose true probability of being right is known: p(right | s) = s^2. */
function overconfident(n: number, seed: number): LabeledScore[] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, () => {
    const score = random();
    return { score, correct: random() < score * score ? 1 : 0 };
  });
}

describe('OCR confidence calibration', () => {
  const samples = overconfident(4000, 7);
  const correct = samples.map((s) => s.correct);

  it('given over-confident scores, then both methods bring the calibration error down', () => {
    const raw = expectedCalibrationError(samples.map((s) => s.score), correct);
    expect(raw).toBeGreaterThan(0.1);
    for (const map of [fitIsotonic(samples), fitPlatt(samples)]) {
      const calibrated = samples.map((s) => applyCalibration(map, s.score));
      expect(expectedCalibrationError(calibrated, correct)).toBeLessThan(0.03);
      // The true curve is s^2: at 0.5 a quarter of readings are right.
      expect(applyCalibration(map, 0.5)).toBeGreaterThan(0.17);
      expect(applyCalibration(map, 0.5)).toBeLessThan(0.33);
    }
  });

  it('given any fit, then a higher score never means a lower probability', () => {
    for (const map of [fitIsotonic(samples), fitPlatt(samples)]) {
      let previous = -1;
      for (let s = 0; s <= 1.0001; s += 0.01) {
        const p = applyCalibration(map, s);
        expect(p).toBeGreaterThanOrEqual(previous - 1e-12);
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThanOrEqual(1);
        previous = p;
      }
    }
  });

  it('given a small all-right block, then isotonic says very likely, never certain', () => {
    const map = fitIsotonic([...Array.from({ length: 5 }, () => ({ score: 0.99, correct: 1 as const })), { score: 0.1, correct: 0 }]);
    expect(applyCalibration(map, 0.99)).toBeLessThan(1);
    expect(applyCalibration(map, 0.99)).toBeGreaterThan(0.8);
  });

  it('given confident misreads above right readings, then Platt goes flat at the base rate rather than inverting', () => {
    const inverted: LabeledScore[] = [
      ...Array.from({ length: 20 }, (_, i) => ({ score: 0.3 + i * 0.01, correct: 1 as const })),
      { score: 0.99, correct: 0 },
      { score: 0.98, correct: 0 },
    ];
    const map = fitPlatt(inverted);
    expect(applyCalibration(map, 0.99)).toBeCloseTo(applyCalibration(map, 0.3), 10);
  });

  it('given cross-validation, then a sample is never calibrated by a map fitted on it', () => {
    // One distinctive sample: fitted on itself it would pull its own block to "right".
    const data: LabeledScore[] = [...Array.from({ length: 50 }, (_, i) => ({ score: i / 100, correct: 0 as const })), { score: 0.9, correct: 1 }];
    const inSample = applyCalibration(fitIsotonic(data), 0.9);
    const outOfFold = crossValidatedProbabilities(data, 'isotonic', 5)[50];
    expect(inSample).toBeGreaterThan(0.4);
    expect(outOfFold).toBeLessThan(0.1);
  });

  it('given groups, then every copy of a photo lands in the same fold', () => {
    const groups = samples.slice(0, 60).map((_, i) => `photo_${i % 12}`);
    const folds = foldAssignment(samples.slice(0, 60), 5, groups);
    for (let i = 0; i < 60; i += 1) expect(folds[i]).toBe(folds[i % 12]);
    expect(new Set(folds).size).toBe(5);
  });

  it('given both methods, then the one with the lower cross-validated log loss is chosen and its figures reported', () => {
    const choice = chooseCalibration(samples, 5);
    expect(['isotonic', 'platt']).toContain(choice.method);
    expect(choice.crossValidated.ece).toBeLessThan(0.05);
    expect(choice.crossValidated.folds).toBe(5);
  });
});

describe('per-character calibration', () => {
  const perDigit = { method: 'platt', a: 2, b: 1, unit: 'character' } as const;

  it('given a single character, then it is the map itself; given n characters, then all must be right', () => {
    expect(calibratedConfidence(perDigit, 0.8, 1)).toBeCloseTo(applyCalibration(perDigit, 0.8), 12);
    // Four digits of quality 0.8 each multiply to a score of 0.8^4.
    expect(calibratedConfidence(perDigit, 0.8 ** 4, 4)).toBeCloseTo(applyCalibration(perDigit, 0.8) ** 4, 12);
    // Same character quality, more characters: less likely all right.
    expect(calibratedConfidence(perDigit, 0.8 ** 4, 4)).toBeLessThan(calibratedConfidence(perDigit, 0.8, 1));
  });

  it('given a map of whole readings, then the length does not matter', () => {
    const perReading = { method: 'platt', a: 2, b: 1 } as const;
    expect(calibratedConfidence(perReading, 0.5, 7)).toBeCloseTo(applyCalibration(perReading, 0.5), 12);
  });
});
