import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../shared/errors';
import { LabelingTaskCommand, LabelingTaskState, labelingTaskDecider as decider } from './labeling-task.decider';
import { LabelingTaskEvent } from './labeling-task.events';

const T0 = '2026-01-05T10:00:00.000Z';
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();

const created: LabelingTaskEvent = {
  type: 'LabelingTaskCreated',
  data: { taskId: 't1', tenantId: 'acme', batchId: 'b1', exampleId: 'mr_1', sourceSystem: 'meter_reading', priority: 0.9, rank: 1, createdAt: T0 },
};

function given(...events: LabelingTaskEvent[]): LabelingTaskState {
  return events.reduce(decider.evolve, decider.initialState);
}

function when(state: LabelingTaskState, command: LabelingTaskCommand): readonly LabelingTaskEvent[] {
  return decider.decide(command, state);
}

const acting = (labelerId: string, minutes: number) => ({ taskId: 't1', tenantId: 'acme', labelerId, at: at(minutes) });
const claim = (labelerId: string, minutes: number): LabelingTaskCommand => ({ kind: 'claim', ...acting(labelerId, minutes), leaseMinutes: 30 });

/** Apply the events a command decides, like the command handler does. */
function run(state: LabelingTaskState, command: LabelingTaskCommand): LabelingTaskState {
  return when(state, command).reduce(decider.evolve, state);
}

describe('labeling task decider', () => {
  it('creates a task once: the same create again decides nothing', () => {
    const create: LabelingTaskCommand = { kind: 'create', taskId: 't1', tenantId: 'acme', batchId: 'b1', exampleId: 'mr_1', sourceSystem: 'meter_reading', priority: 0.9, rank: 1, at: T0 };
    expect(when(given(), create)).toEqual([created]);
    expect(when(given(created), create)).toEqual([]);
  });

  it('claims an open task with a lease of the configured length', () => {
    const events = when(given(created), claim('ann', 0));
    expect(events).toEqual([{ type: 'LabelingTaskClaimed', data: { taskId: 't1', exampleId: 'mr_1', labelerId: 'ann', claimedAt: at(0), leaseExpiresAt: at(30) } }]);
  });

  it('409 when another labeler holds a live lease', () => {
    const state = run(given(created), claim('ann', 0));
    expect(() => when(state, claim('bob', 10))).toThrow(ConflictError);
  });

  it('lets anyone claim once the lease has expired by itself', () => {
    const state = run(given(created), claim('ann', 0));
    const events = when(state, claim('bob', 31));
    expect(events[0]).toMatchObject({ type: 'LabelingTaskClaimed', data: { labelerId: 'bob', previousHolder: 'ann', leaseExpiresAt: at(61) } });
    expect(() => when(run(state, claim('bob', 31)), { kind: 'submit', ...acting('ann', 32), label: '123' })).toThrow(ConflictError);
  });

  it('re-claiming your own task extends the lease; the same instant again appends nothing', () => {
    const state = run(given(created), claim('ann', 0));
    expect(when(state, claim('ann', 0))).toEqual([]);
    expect(when(state, claim('ann', 20))).toEqual([
      { type: 'LabelingTaskLeaseExtended', data: { taskId: 't1', labelerId: 'ann', extendedAt: at(20), leaseExpiresAt: at(50) } },
    ]);
  });

  it('submits a label while holding the task; a repeat of the same submit decides nothing', () => {
    const held = run(given(created), claim('ann', 0));
    const submit: LabelingTaskCommand = { kind: 'submit', ...acting('ann', 5), label: ' 01234 ' };
    const events = when(held, submit);
    expect(events).toEqual([{ type: 'LabelingTaskCompleted', data: { taskId: 't1', exampleId: 'mr_1', labelerId: 'ann', label: '01234', completedAt: at(5) } }]);
    const done = events.reduce(decider.evolve, held);
    expect(when(done, { ...submit, at: at(6) })).toEqual([]);
    expect(() => when(done, { ...submit, label: '99999' })).toThrow(ConflictError);
    expect(() => when(done, claim('bob', 7))).toThrow(ConflictError);
  });

  it('409 on submit without holding, or after the lease ran out', () => {
    expect(() => when(given(created), { kind: 'submit', ...acting('ann', 1), label: '1' })).toThrow(ConflictError);
    const held = run(given(created), claim('ann', 0));
    expect(() => when(held, { kind: 'submit', ...acting('bob', 1), label: '1' })).toThrow(ConflictError);
    expect(() => when(held, { kind: 'submit', ...acting('ann', 30), label: '1' })).toThrow(/lease ended/);
  });

  it('rejects an empty label as bad input', () => {
    const held = run(given(created), claim('ann', 0));
    expect(() => when(held, { kind: 'submit', ...acting('ann', 1), label: '   ' })).toThrow(ValidationError);
  });

  it('skip closes the task; release opens it for others; repeats decide nothing', () => {
    const held = run(given(created), claim('ann', 0));
    const skipped = run(held, { kind: 'skip', ...acting('ann', 2), reason: 'glare' });
    expect(skipped.status).toBe('skipped');
    expect(when(skipped, { kind: 'skip', ...acting('ann', 3) })).toEqual([]);
    const released = run(held, { kind: 'release', ...acting('ann', 2) });
    expect(released.status).toBe('open');
    expect(when(released, { kind: 'release', ...acting('ann', 3) })).toEqual([]);
    expect(() => when(released, { kind: 'release', ...acting('bob', 3) })).toThrow(ConflictError);
    expect(when(released, claim('bob', 3))[0]).toMatchObject({ type: 'LabelingTaskClaimed', data: { labelerId: 'bob' } });
  });

  it('404 for an unknown task, 403 for another tenant', () => {
    expect(() => when(given(), claim('ann', 0))).toThrow(NotFoundError);
    expect(() => when(given(created), { kind: 'claim', ...acting('ann', 0), tenantId: 'globex', leaseMinutes: 30 })).toThrow(ForbiddenError);
  });
});
