import { AccuracyFigure } from './model.events';
import { decideRollback } from './rollback-policy';

const fig = (version: string, correct: number, total: number): AccuracyFigure => ({ version, correct, total, accuracy: total ? correct / total : null, fromMs: 0, toMs: 1 });
const config = { maxAccuracyDrop: 0.1, minSamples: 20 };

describe('rollback rule', () => {
  it('given first-day accuracy 15 points below the predecessor, then rollback', () => {
    const d = decideRollback(fig('v2', 65, 100), fig('v1', 80, 100), config);
    expect(d.outcome).toBe('rollback');
    expect(d.reason).toContain('65.0% (65/100)');
    expect(d.reason).toContain('15.0 points worse');
  });
  it('given exactly 10 points below, then kept', () => {
    expect(decideRollback(fig('v2', 70, 100), fig('v1', 80, 100), config).outcome).toBe('kept');
  });
  it('given a better model, then kept', () => {
    expect(decideRollback(fig('v2', 90, 100), fig('v1', 80, 100), config).outcome).toBe('kept');
  });
  it('given too few outcomes on either side, then no judgement', () => {
    expect(decideRollback(fig('v2', 1, 10), fig('v1', 80, 100), config).outcome).toBe('insufficient_sample');
    expect(decideRollback(fig('v2', 10, 100), fig('v1', 0, 0), config).outcome).toBe('insufficient_sample');
  });
});
