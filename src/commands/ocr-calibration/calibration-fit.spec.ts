import { ocrCalibrationDecider as decider } from '../../domain/ocr-calibration/ocr-calibration.decider';
import { LabeledScore, applyCalibration } from '../../ml/calibration';
import { FitRequest, withFittedCalibration } from './calibration-fit';

/** Scores that overstate: right about half the time at 0.9, rarely below 0.5. */
function overconfident(n: number): LabeledScore[] {
  return Array.from({ length: n }, (_, i) => {
    const score = 0.5 + (0.49 * i) / n;
    return { score, correct: (i % 2 === 0 && score > 0.7 ? 1 : 0) as 0 | 1 };
  });
}

const development: LabeledScore[] = Array.from({ length: 40 }, (_, i) => ({ score: i / 40, correct: (i >= 20 ? 1 : 0) as 0 | 1 }));

const request = (flywheelSamples: readonly LabeledScore[]): FitRequest => ({
  type: 'FitOcrCalibration',
  calibrationId: 'cal-fw-1',
  engine: 'paddle',
  engineVersion: 'paddle-test',
  mode: 'plate',
  fittedBy: 'eng-1',
  at: '2026-12-01T10:00:00.000Z',
  flywheelSamples,
  developmentSamples: development,
  labelsThrough: { position: 420, at: '2026-12-01T09:59:00.000Z' },
  minFlywheelLabels: 20,
  folds: 5,
});

describe('calibration fit (command side)', () => {
  it('given enough right and wrong labels, it fits the pooled samples and the decider records the fit', () => {
    const command = withFittedCalibration(request(overconfident(30)));
    const fitted = command.fitted!;
    expect(['isotonic', 'platt']).toContain(fitted.method);
    expect(fitted.map.method).toBe(fitted.method);
    expect(fitted.logLoss).toBeGreaterThan(0);
    expect(fitted.auroc).toBeGreaterThan(0.5);
    // The point of it: an overconfident 0.95 now says what it is worth.
    expect(applyCalibration(fitted.map, 0.95)).toBeLessThan(0.9);
    const [event] = decider.decide(command, decider.initialState);
    expect(event.data).toMatchObject({ method: fitted.method, map: fitted.map, sampleCount: 70, crossValidated: { ece: fitted.ece, logLoss: fitted.logLoss, folds: 5, auroc: fitted.auroc } });
  });

  it('given the same inputs, when fitted twice, then the same calibration (deterministic)', () => {
    expect(withFittedCalibration(request(overconfident(30)))).toEqual(withFittedCalibration(request(overconfident(30))));
  });

  it('given labels the decider will refuse, it fits nothing and the decider answers 422', () => {
    const command = withFittedCalibration(request(overconfident(10)));
    expect(command.fitted).toBeNull();
    expect(() => decider.decide(command, decider.initialState)).toThrow(/10 labeled \(\d+ right, \d+ wrong\); at least 20/);
  });
});
