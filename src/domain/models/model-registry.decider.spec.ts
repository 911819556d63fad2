import { ConflictError, NotFoundError } from '../shared/errors';
import { HoldoutMetrics, ModelEvent } from './model.events';
import { ModelCommand, RegistryState, foldRegistry, modelRegistryDecider } from './model-registry.decider';

const T = 'conflict_predictor';
const AT = '2026-01-05T03:00:00.000Z';

function given(events: readonly ModelEvent[]): RegistryState {
  return foldRegistry(events);
}
function when(state: RegistryState, command: ModelCommand): readonly ModelEvent[] {
  return modelRegistryDecider.decide(command, state);
}
function run(commands: readonly ModelCommand[]): ModelEvent[] {
  const out: ModelEvent[] = [];
  let state = modelRegistryDecider.initialState;
  for (const c of commands) {
    const events = modelRegistryDecider.decide(c, state);
    for (const e of events) state = modelRegistryDecider.evolve(state, e);
    out.push(...events);
  }
  return out;
}

const trained = (runId: string, at = AT): ModelCommand => ({
  kind: 'RecordTrainedModel',
  modelType: T,
  at,
  runId,
  model: {
    trigger: 'manual',
    algorithm: 'logistic_regression',
    featureNames: ['a'],
    scaler: { mean: [0], scale: [1] },
    coefficients: [1],
    intercept: 0,
    metrics: {},
    holdout: { trainFrom: AT, trainTo: AT, testFrom: AT, testTo: AT },
    trainingWindow: { from: AT, to: AT, daysBack: 90 },
    rowCount: 100,
    modelBlobHash: 'm'.repeat(64),
    trainingRowsBlobHash: 'r'.repeat(64),
    trainingMs: 1,
  },
});
const activate = (version: string, at = AT): ModelCommand => ({ kind: 'ActivateModel', modelType: T, at, version, actor: 'eng', reason: 'because' });
const m = (roc_auc: number): HoldoutMetrics => ({ roc_auc, accuracy: 0.8, threshold: 0.5, precision: 0.5, recall: 0.5, f1: 0.5, samples: 100, positives: 20 });
const evaluate = (version: string, evaluationId: string, candidateAuc: number, baseline: { version: string; auc: number; active: string | null }): ModelCommand => ({
  kind: 'RecordEvaluation',
  modelType: T,
  at: AT,
  evaluationId,
  evaluation: {
    version,
    holdoutRowsBlobHash: 'r'.repeat(64),
    holdout: { trainFrom: AT, trainTo: AT, testFrom: AT, testTo: AT },
    candidate: { version, metrics: m(candidateAuc) },
    baseline: { version: baseline.version, metrics: m(baseline.auc), activeVersion: baseline.active, note: null },
  },
  autoActivate: { policy: { minImprovement: 0.05, mode: 'relative', minPositives: 5 }, actor: 'saga:retraining' },
});

describe('model registry decider', () => {
  it('names versions vYYYYMMDD_HHMMSS with a suffix when two land in one second', () => {
    const events = run([trained('r1'), trained('r2'), trained('r3')]);
    expect(events.map((e) => (e.data as { version: string }).version)).toEqual(['v20260105_030000', 'v20260105_030000_2', 'v20260105_030000_3']);
  });

  it('treats a training run recorded again as a duplicate', () => {
    const state = given(run([trained('r1')]));
    expect(when(state, trained('r1', '2026-01-06T00:00:00Z'))).toEqual([]);
  });

  it('activating deactivates the previous active model in the same decision', () => {
    const state = given(run([trained('r1'), trained('r2'), activate('v20260105_030000')]));
    const events = when(state, activate('v20260105_030000_2'));
    expect(events.map((e) => [e.type, (e.data as { version: string }).version])).toEqual([
      ['ModelDeactivated', 'v20260105_030000'],
      ['ModelActivated', 'v20260105_030000_2'],
    ]);
    expect(events[1].data).toMatchObject({ previousVersion: 'v20260105_030000', activatedBy: 'eng', cause: 'manual' });
  });

  it('activating the active model appends nothing; an unknown version is not found', () => {
    const state = given(run([trained('r1'), activate('v20260105_030000')]));
    expect(when(state, activate('v20260105_030000'))).toEqual([]);
    expect(() => when(state, activate('v9'))).toThrow(NotFoundError);
  });

  it('deactivating clears the pointer; deactivating an inactive version appends nothing', () => {
    const state = given(run([trained('r1'), trained('r2'), activate('v20260105_030000')]));
    const deactivate = (version: string): ModelCommand => ({ kind: 'DeactivateModel', modelType: T, at: AT, version, actor: 'eng', reason: 'r' });
    expect(when(state, deactivate('v20260105_030000_2'))).toEqual([]);
    const events = when(state, deactivate('v20260105_030000'));
    expect(events.map((e) => e.type)).toEqual(['ModelDeactivated']);
    expect(given([...run([trained('r1'), activate('v20260105_030000')]), ...events]).active).toBeNull();
  });

  it('a clearly better candidate is evaluated and activated by the policy', () => {
    const state = given(run([trained('r1')]));
    const events = when(state, evaluate('v20260105_030000', 'e1', 0.85, { version: 'heuristic_v1', auc: 0.7, active: null }));
    expect(events.map((e) => e.type)).toEqual(['ModelEvaluated', 'ModelActivated']);
    expect(events[1].data).toMatchObject({ cause: 'auto', activatedBy: 'saga:retraining', reason: expect.stringContaining('0.8500 vs 0.7000') });
  });

  it('a marginal candidate is evaluated and rejected with the failing rule', () => {
    const state = given(run([trained('r1'), trained('r2'), activate('v20260105_030000')]));
    const events = when(state, evaluate('v20260105_030000_2', 'e2', 0.721, { version: 'v20260105_030000', auc: 0.7, active: 'v20260105_030000' }));
    expect(events.map((e) => e.type)).toEqual(['ModelEvaluated', 'ModelActivationRejected']);
    expect(events[1].data).toMatchObject({ failures: [{ rule: 'roc_auc_improvement', reason: expect.stringContaining('+3.0% relative') }] });
    expect(when(given([...run([trained('r1'), trained('r2'), activate('v20260105_030000')]), ...events]), evaluate('v20260105_030000_2', 'e2', 0.721, { version: 'x', auc: 0, active: 'v20260105_030000' }))).toEqual([]);
  });

  it('an evaluation made against a model that is no longer active is refused', () => {
    const state = given(run([trained('r1'), trained('r2'), activate('v20260105_030000')]));
    expect(() => when(state, evaluate('v20260105_030000_2', 'e3', 0.9, { version: 'heuristic_v1', auc: 0.7, active: null }))).toThrow(ConflictError);
  });

  describe('post-activation review', () => {
    const history = run([trained('r1'), trained('r2'), activate('v20260105_030000', '2026-01-01T00:00:00.000Z'), activate('v20260105_030000_2', AT)]);
    const review = (correct: number, version = 'v20260105_030000_2', activationAt = AT): ModelCommand => ({
      kind: 'ReviewActivation',
      modelType: T,
      at: '2026-01-07T06:00:00.000Z',
      version,
      activationAt,
      candidate: { version, correct, total: 100, accuracy: correct / 100, fromMs: 0, toMs: 1 },
      predecessor: { version: 'v20260105_030000', correct: 80, total: 100, accuracy: 0.8, fromMs: 0, toMs: 1 },
      config: { maxAccuracyDrop: 0.1, minSamples: 20 },
      actor: 'saga:rollback',
    });

    it('rolls back to the predecessor when the new model is more than ten points worse', () => {
      const events = when(given(history), review(60));
      expect(events.map((e) => e.type)).toEqual(['ModelRolledBack', 'ModelDeactivated', 'ModelActivated']);
      expect(events[0].data).toMatchObject({ fromVersion: 'v20260105_030000_2', toVersion: 'v20260105_030000' });
      const after = given([...history, ...events]);
      expect(after.active).toMatchObject({ version: 'v20260105_030000', cause: 'rollback' });
      expect(when(after, review(60))).toEqual([]);
    });

    it('keeps the model and records the review otherwise; a second review is a duplicate', () => {
      const events = when(given(history), review(75));
      expect(events.map((e) => e.type)).toEqual(['ModelActivationReviewed']);
      expect(when(given([...history, ...events]), review(75))).toEqual([]);
    });

    it('ignores a review of an activation that is no longer current', () => {
      expect(when(given(history), review(10, 'v20260105_030000', '2026-01-01T00:00:00.000Z'))).toEqual([]);
    });
  });
});
