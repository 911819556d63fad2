import { heuristicProbability } from './conflict-features';
import { syntheticConflictRows } from './synthetic-conflict-data';
import {
  CONFLICT_FEATURE_NAMES,
  ConflictTrainingRow,
  evaluateOnRows,
  splitByTime,
  trainConflictModel,
} from './train-conflict-model';
import { TrainingInputError } from './training-input-error';

describe('trainConflictModel', () => {
  const rows = syntheticConflictRows(2000, { seed: 11 });

  it('holds out the newest 20% by time and fits the scaler on train only', () => {
    const shuffled = [...rows].reverse();
    const model = trainConflictModel(shuffled);
    expect(model.metrics.train_samples).toBe(1600);
    expect(model.metrics.test_samples).toBe(400);
    expect(model.holdout).toEqual({
      trainFrom: rows[0].syncedAt,
      trainTo: rows[1599].syncedAt,
      testFrom: rows[1600].syncedAt,
      testTo: rows[1999].syncedAt,
    });
    expect(model.rows.map((r) => r.syncId)).toEqual(rows.map((r) => r.syncId));
    expect(model.rows.filter((r) => r.split === 'test').map((r) => r.syncId)).toEqual(rows.slice(1600).map((r) => r.syncId));
    const trainMean0 = rows.slice(0, 1600).reduce((a, r) => a + r.features[0], 0) / 1600;
    expect(model.scaler.mean[0]).toBeCloseTo(trainMean0, 12);
    expect(model.featureNames).toEqual([...CONFLICT_FEATURE_NAMES]);
  });

  it('learns the signal and reports metrics', () => {
    const m = trainConflictModel(rows).metrics;
    expect(m.test_roc_auc).toBeGreaterThan(0.7);
    expect(m.train_roc_auc).toBeGreaterThan(0.7);
    expect(m.converged).toBe(true);
    const [[tn, fp], [fn, tp]] = m.confusion_matrix;
    expect(tn + fp + fn + tp).toBe(400);
    expect(fn + tp).toBe(m.test_positives);
    expect(m.per_class.positive.support).toBe(m.test_positives);
  });

  it('puts every row sharing the boundary timestamp on the test side', () => {
    const sameTime = rows.slice(0, 200).map((r, i): ConflictTrainingRow => ({
      ...r,
      // 150 distinct times, then the last 50 rows all at the time of row 150.
      syncedAt: rows[Math.min(i, 150)].syncedAt,
    }));
    const split = splitByTime(sameTime);
    // 20% of 200 is 40, but the boundary time (row 160's) is shared from row 150 on.
    expect(split.test).toHaveLength(50);
    expect(split.train.every((r) => r.syncedAt < split.holdout.testFrom)).toBe(true);
  });

  it('refuses fewer than 100 rows, saying why', () => {
    expect(() => trainConflictModel(rows.slice(0, 99))).toThrow(TrainingInputError);
    expect(() => trainConflictModel(rows.slice(0, 99))).toThrow(/at least 100 labelled syncs.*got 99/);
  });

  it('refuses a single class, saying why', () => {
    const clean = rows.slice(0, 300).map((r): ConflictTrainingRow => ({ ...r, label: 0 }));
    expect(() => trainConflictModel(clean)).toThrow(/all 300 labelled syncs are clean.*both classes/);
  });

  it('refuses a training side with a single class', () => {
    const late = rows.slice(0, 300).map((r, i): ConflictTrainingRow => ({ ...r, label: i >= 250 ? 1 : 0 }));
    expect(() => trainConflictModel(late)).toThrow(/training part .* only one class/);
  });

  it('refuses malformed features', () => {
    const bad = [...rows.slice(0, 150), { ...rows[150], features: [1, 2, 3] }];
    expect(() => trainConflictModel(bad)).toThrow(/needs 5 finite features/);
  });
});

describe('evaluateOnRows', () => {
  it('scores the heuristic on the same holdout as a model', () => {
    const rows = syntheticConflictRows(1000, { seed: 5 });
    const { test } = splitByTime(rows);
    const r = evaluateOnRows((X) => X.map((f) => heuristicProbability(f)), test);
    expect(r.samples).toBe(200);
    expect(r.roc_auc).not.toBeNull();
    expect(r.roc_auc).toBeGreaterThan(0.5);
  });
});
