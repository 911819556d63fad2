import { UnprocessableError } from '../shared/errors';
import { CalibrationSample, FitOcrCalibration, FittedCalibration, OcrCalibrationCommand, RecordShippedCalibration, ocrCalibrationDecider as decider } from './ocr-calibration.decider';
import { OcrCalibrationEvent, calibrationStream } from './ocr-calibration.events';

function when(given: readonly OcrCalibrationEvent[], command: OcrCalibrationCommand): readonly OcrCalibrationEvent[] {
  return decider.decide(command, given.reduce(decider.evolve, decider.initialState));
}

/** Scores that overstate: right about half the time at 0.9, rarely below 0.5. */
function overconfident(n: number): CalibrationSample[] {
  return Array.from({ length: n }, (_, i) => {
    const score = 0.5 + (0.49 * i) / n;
    return { score, correct: (i % 2 === 0 && score > 0.7 ? 1 : 0) as 0 | 1 };
  });
}

const development: CalibrationSample[] = Array.from({ length: 40 }, (_, i) => ({ score: i / 40, correct: (i >= 20 ? 1 : 0) as 0 | 1 }));

/** What the command side fitted (commands/ocr-calibration/calibration-fit.ts fits with ml). */
const fitted: FittedCalibration = { method: 'platt', map: { method: 'platt', a: 1.5, b: -2 }, ece: 0.04, logLoss: 0.52, auroc: 0.81 };

const fitCommand = (flywheelSamples: readonly CalibrationSample[], overrides: Partial<FitOcrCalibration> = {}): FitOcrCalibration => ({
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
  fitted,
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

  it('given enough right and wrong labels, when fitted, then OcrCalibrationFitted records the fit, pooled with the development set, and the counts', () => {
    const flywheel = overconfident(30);
    const [event] = when([], fitCommand(flywheel));
    expect(event.type).toBe('OcrCalibrationFitted');
    const d = event.data;
    expect(d).toEqual({
      calibrationId: 'cal-fw-1',
      engine: 'paddle',
      engineVersion: 'paddle-test',
      mode: 'plate',
      method: 'platt',
      map: { method: 'platt', a: 1.5, b: -2 },
      source: 'flywheel',
      sampleCount: 70,
      flywheelSamples: 30,
      developmentSamples: 40,
      flywheelPositives: flywheel.filter((s) => s.correct === 1).length,
      positives: flywheel.filter((s) => s.correct === 1).length + 20,
      labelsThrough: { position: 420, at: '2026-12-01T09:59:00.000Z' },
      fittedBy: 'eng-1',
      fittedAt: '2026-12-01T10:00:00.000Z',
      crossValidated: { ece: 0.04, logLoss: 0.52, folds: 5, auroc: 0.81 },
    });
    // Stored forever: the figures keep the key order of the events recorded so far.
    expect(Object.keys(d.crossValidated)).toEqual(['ece', 'logLoss', 'folds', 'auroc']);
  });

  it('given enough labels but no fit in the command, when fitted, then it refuses (the command side fits)', () => {
    expect(() => when([], fitCommand(overconfident(30), { fitted: null }))).toThrow(/carries no fit/);
  });

  it('given a fit whose map is of another method, when fitted, then it refuses', () => {
    expect(() => when([], fitCommand(overconfident(30), { fitted: { ...fitted, method: 'isotonic' } }))).toThrow(/a platt map recorded as isotonic/);
  });

  it('given too few labels, when fitted, then 422 naming the counts and the minimum', () => {
    const act = () => when([], fitCommand(overconfident(10), { fitted: null }));
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
    expect(when(first, fitCommand([], { fitted: null }))).toEqual([]);
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
