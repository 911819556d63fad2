import { LabeledScore, applyCalibration } from '../../ml/calibration';
import { UnprocessableError } from '../shared/errors';
import { FitOcrCalibration, OcrCalibrationCommand, RecordShippedCalibration, ocrCalibrationDecider as decider } from './ocr-calibration.decider';
import { OcrCalibrationEvent, calibrationStream } from './ocr-calibration.events';

function when(given: readonly OcrCalibrationEvent[], command: OcrCalibrationCommand): readonly OcrCalibrationEvent[] {
  return decider.decide(command, given.reduce(decider.evolve, decider.initialState));
}

/** Scores that overstate: right about half the time at 0.9, rarely below 0.5. */
function overconfident(n: number): LabeledScore[] {
  return Array.from({ length: n }, (_, i) => {
    const score = 0.5 + (0.49 * i) / n;
    return { score, correct: (i % 2 === 0 && score > 0.7 ? 1 : 0) as 0 | 1 };
  });
}

const development: LabeledScore[] = Array.from({ length: 40 }, (_, i) => ({ score: i / 40, correct: (i >= 20 ? 1 : 0) as 0 | 1 }));

const fitCommand = (flywheelSamples: readonly LabeledScore[], overrides: Partial<FitOcrCalibration> = {}): FitOcrCalibration => ({
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
  ...overrides,
});

const shipped: RecordShippedCalibration = {
  type: 'RecordShippedCalibration',
  calibrationId: 'cal-dev-1',
  engine: 'paddle',
  engineVersion: 'paddle-test',
  mode: 'plate',
  fittedBy: 'system:default-calibrations',
  at: '2026-12-01T08:00:00.000Z',
  method: 'platt',
  map: { method: 'platt', a: 2, b: -1 },
  sampleCount: 40,
  positives: 20,
  crossValidated: { ece: 0.05, logLoss: 0.4, auroc: 0.9, folds: 5 },
};

describe('ocr calibration decider', () => {
  it('names its stream by engine and mode', () => {
    expect(calibrationStream('paddle', 'plate')).toBe('ocr_calibration-paddle_plate');
  });

  it('given enough right and wrong labels, when fitted, then OcrCalibrationFitted pools them with the development set and records the counts', () => {
    const flywheel = overconfident(30);
    const [event] = when([], fitCommand(flywheel));
    expect(event.type).toBe('OcrCalibrationFitted');
    const d = event.data;
    expect(d).toMatchObject({
      calibrationId: 'cal-fw-1',
      engine: 'paddle',
      mode: 'plate',
      source: 'flywheel',
      sampleCount: 70,
      flywheelSamples: 30,
      developmentSamples: 40,
      flywheelPositives: flywheel.filter((s) => s.correct === 1).length,
      positives: flywheel.filter((s) => s.correct === 1).length + 20,
      labelsThrough: { position: 420, at: '2026-12-01T09:59:00.000Z' },
      fittedBy: 'eng-1',
      fittedAt: '2026-12-01T10:00:00.000Z',
    });
    expect(['isotonic', 'platt']).toContain(d.method);
    expect(d.map.method).toBe(d.method);
    expect(d.crossValidated.folds).toBe(5);
    expect(d.crossValidated.logLoss).toBeGreaterThan(0);
    expect(d.crossValidated.auroc).toBeGreaterThan(0.5);
    // The point of it: an overconfident 0.95 now says what it is worth.
    expect(applyCalibration(d.map, 0.95)).toBeLessThan(0.9);
  });

  it('given the same inputs, when fitted twice on fresh streams, then the same calibration (deterministic)', () => {
    expect(when([], fitCommand(overconfident(30)))).toEqual(when([], fitCommand(overconfident(30))));
  });

  it('given too few labels, when fitted, then 422 naming the counts and the minimum', () => {
    const act = () => when([], fitCommand(overconfident(10)));
    expect(act).toThrow(UnprocessableError);
    expect(act).toThrow(/10 labeled \(\d+ right, \d+ wrong\); at least 20/);
    try {
      act();
    } catch (error) {
      expect((error as UnprocessableError).details).toEqual({ labeled: 10, right: 2, wrong: 8, min_labels: 20 });
    }
  });

  it('given enough labels of one class only, when fitted, then 422 (a calibration needs right and wrong readings)', () => {
    const allRight = Array.from({ length: 25 }, (_, i) => ({ score: 0.5 + i / 60, correct: 1 as const }));
    expect(() => when([], fitCommand(allRight))).toThrow(/25 labeled \(25 right, 0 wrong\)/);
  });

  it('given a calibration id already recorded, when fitted again, then nothing (a retried command)', () => {
    const first = when([], fitCommand(overconfident(30)));
    expect(when(first, fitCommand(overconfident(30)))).toEqual([]);
    // Even when the labels no longer meet the rule: the id says the fit happened.
    expect(when(first, fitCommand([]))).toEqual([]);
  });

  it('given an empty stream, when the shipped default is recorded, then OcrCalibrationFitted from the development set with its own figures', () => {
    expect(when([], shipped)).toEqual([
      {
        type: 'OcrCalibrationFitted',
        data: {
          calibrationId: 'cal-dev-1',
          engine: 'paddle',
          engineVersion: 'paddle-test',
          mode: 'plate',
          method: 'platt',
          map: { method: 'platt', a: 2, b: -1 },
          source: 'development_set',
          sampleCount: 40,
          positives: 20,
          flywheelSamples: 0,
          flywheelPositives: 0,
          developmentSamples: 40,
          crossValidated: { ece: 0.05, logLoss: 0.4, auroc: 0.9, folds: 5 },
          labelsThrough: null,
          fittedBy: 'system:default-calibrations',
          fittedAt: '2026-12-01T08:00:00.000Z',
        },
      },
    ]);
  });

  it('given the default recorded, when recorded again (a restart), then nothing', () => {
    expect(when(when([], shipped), shipped)).toEqual([]);
  });

  it('given an older default, when a new default ships, then it is recorded and in force', () => {
    const older = when([], { ...shipped, calibrationId: 'cal-dev-0' });
    const newer = when(older, shipped);
    expect(newer).toHaveLength(1);
    expect([...older, ...newer].reduce(decider.evolve, decider.initialState).current).toEqual({ calibrationId: 'cal-dev-1', source: 'development_set' });
  });

  it('given a flywheel fit, when a new default ships, then nothing: the flywheel fit stays in force', () => {
    const fitted = when(when([], { ...shipped, calibrationId: 'cal-dev-0' }), fitCommand(overconfident(30)));
    const history = [...when([], { ...shipped, calibrationId: 'cal-dev-0' }), ...fitted];
    expect(when(history, shipped)).toEqual([]);
    expect(history.reduce(decider.evolve, decider.initialState).current).toEqual({ calibrationId: 'cal-fw-1', source: 'flywheel' });
  });
});
