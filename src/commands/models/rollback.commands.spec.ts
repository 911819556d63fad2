import { RegistryState, initialRegistryState } from '../../domain/models/model-registry.decider';
import { planRollbackCheck, rollbackReviewCommands } from './rollback.commands';

const HOUR = 3_600_000;
const activatedAt = '2026-01-01T00:00:00.000Z';
const activatedMs = Date.parse(activatedAt);
const rules = { rollbackOutcomeWaitHours: 6, rollbackMaxAccuracyDrop: 0.05, rollbackMinSamples: 20 };
const withActive = (cause: 'manual' | 'rollback' = 'manual', reviewed: RegistryState['reviewed'] = {}): RegistryState => ({
  ...initialRegistryState,
  reviewed,
  active: { version: 'v2', activatedAt, activatedBy: 'ops', cause, reason: 'r', previousVersion: 'v1' },
});

describe('rollback check planning', () => {
  it('given no active model, a restored predecessor or a reviewed activation, then nothing to review', () => {
    const late = activatedMs + 100 * HOUR;
    expect(planRollbackCheck(initialRegistryState, late, rules)).toEqual({ status: 'no_active_model' });
    expect(planRollbackCheck(withActive('rollback'), late, rules)).toEqual({ status: 'already_reviewed' });
    expect(planRollbackCheck(withActive('manual', { [`v2@${activatedAt}`]: true }), late, rules)).toEqual({ status: 'already_reviewed' });
  });

  it('given an activation whose first day and wait have not passed, then not due until then, and no command', () => {
    const plan = planRollbackCheck(withActive(), activatedMs + 29 * HOUR, rules);
    expect(plan).toEqual({ status: 'not_due', version: 'v2', dueAtMs: activatedMs + 30 * HOUR });
    expect(rollbackReviewCommands('conflict_predictor', plan, null, rules, new Date(activatedMs + 29 * HOUR))).toEqual([]);
  });

  it('given a due activation and its figures, then one review of it, keyed by the activation, over the first day and the predecessor week', () => {
    const at = new Date(activatedMs + 30 * HOUR);
    const plan = planRollbackCheck(withActive(), at.getTime(), rules);
    expect(plan).toEqual({
      status: 'due',
      version: 'v2',
      activationAt: activatedAt,
      candidate: { version: 'v2', fromMs: activatedMs, toMs: activatedMs + 24 * HOUR - 1 },
      predecessor: { version: 'v1', fromMs: activatedMs - 7 * 24 * HOUR, toMs: activatedMs - 1 },
    });
    const candidate = { version: 'v2', correct: 10, total: 30, accuracy: 1 / 3, fromMs: 0, toMs: 1 };
    const predecessor = { version: 'v1', correct: 25, total: 30, accuracy: 25 / 30, fromMs: 0, toMs: 1 };
    const [review] = rollbackReviewCommands('conflict_predictor', plan, { candidate, predecessor }, rules, at);
    expect(review.command).toEqual({
      kind: 'ReviewActivation',
      modelType: 'conflict_predictor',
      at: at.toISOString(),
      version: 'v2',
      activationAt: activatedAt,
      candidate,
      predecessor,
      config: { maxAccuracyDrop: 0.05, minSamples: 20 },
      actor: 'saga:rollback',
    });
    expect(review.context.commandId).toBe(`rollback-review:conflict_predictor:v2:${activatedAt}`);
  });
});
