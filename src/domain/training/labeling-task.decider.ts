import { isSealed } from '../privacy/sealed';
import { Decider } from '../shared/decider';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError, assertNever } from '../shared/errors';
import { SourceSystem } from './training-example.events';
import { LabelingTaskEvent } from './labeling-task.events';

interface TaskFacts {
  readonly taskId: string;
  readonly tenantId: string;
  readonly exampleId: string;
}

/** `claimed` keeps its lease end; past it the task is open again for everyone, without an event. */
export type LabelingTaskState =
  | { readonly status: 'none' }
  | (TaskFacts & { readonly status: 'open'; readonly lastReleasedBy: string | null })
  | (TaskFacts & { readonly status: 'claimed'; readonly holder: string; readonly leaseExpiresAt: string })
  | (TaskFacts & { readonly status: 'completed'; readonly labelerId: string; readonly label: string })
  | (TaskFacts & { readonly status: 'skipped'; readonly labelerId: string });

interface Acting {
  readonly taskId: string;
  /** The caller's tenant: another tenant's task is forbidden (403). */
  readonly tenantId: string;
  readonly labelerId: string;
  /** ISO time from the clock port; lease expiry is decided against it. */
  readonly at: string;
}

export type LabelingTaskCommand =
  | {
      readonly kind: 'create';
      readonly taskId: string;
      readonly tenantId: string;
      readonly batchId: string;
      readonly exampleId: string;
      readonly sourceSystem: SourceSystem;
      readonly priority: number;
      readonly rank: number;
      readonly at: string;
    }
  | (Acting & { readonly kind: 'claim'; readonly leaseMinutes: number })
  | (Acting & { readonly kind: 'submit'; readonly label: string })
  | (Acting & { readonly kind: 'skip'; readonly reason?: string })
  | (Acting & { readonly kind: 'release' });

export const MAX_LABEL_LENGTH = 500;

function leaseLive(state: LabelingTaskState, at: string): boolean {
  return state.status === 'claimed' && Date.parse(state.leaseExpiresAt) > Date.parse(at);
}

/** The labeler holds the task now: claimed by them and the lease not yet over. */
function heldBy(state: LabelingTaskState, labelerId: string, at: string): boolean {
  return state.status === 'claimed' && state.holder === labelerId && leaseLive(state, at);
}

function existing(state: LabelingTaskState, command: Acting): Exclude<LabelingTaskState, { status: 'none' }> {
  if (state.status === 'none') throw new NotFoundError(`no labeling task ${command.taskId}`, { task_id: command.taskId });
  if (state.tenantId !== command.tenantId) throw new ForbiddenError(`labeling task ${command.taskId} belongs to another tenant`, { task_id: command.taskId });
  return state;
}

function notHeld(state: Exclude<LabelingTaskState, { status: 'none' }>, command: Acting, action: string): ConflictError {
  const why =
    state.status === 'claimed' && state.holder !== command.labelerId && leaseLive(state, command.at)
      ? `it is held by ${state.holder} until ${state.leaseExpiresAt}`
      : state.status === 'claimed' && state.holder === command.labelerId
        ? `your lease ended at ${state.leaseExpiresAt}; claim it again`
        : state.status === 'completed' || state.status === 'skipped'
          ? `the task is already ${state.status}`
          : 'you have not claimed it';
  return new ConflictError(`cannot ${action} labeling task ${command.taskId}: ${why}`, { task_id: command.taskId, status: state.status, rule: 'must_hold_task' });
}

export const labelingTaskDecider: Decider<LabelingTaskState, LabelingTaskCommand, LabelingTaskEvent> = {
  initialState: { status: 'none' },

  evolve(state, event) {
    switch (event.type) {
      case 'LabelingTaskCreated':
        return { status: 'open', taskId: event.data.taskId, tenantId: event.data.tenantId, exampleId: event.data.exampleId, lastReleasedBy: null };
      case 'LabelingTaskClaimed':
      case 'LabelingTaskLeaseExtended':
        if (state.status === 'none') return state;
        return { status: 'claimed', taskId: state.taskId, tenantId: state.tenantId, exampleId: state.exampleId, holder: event.data.labelerId, leaseExpiresAt: event.data.leaseExpiresAt };
      case 'LabelingTaskReleased':
        if (state.status === 'none') return state;
        return { status: 'open', taskId: state.taskId, tenantId: state.tenantId, exampleId: state.exampleId, lastReleasedBy: event.data.labelerId };
      case 'LabelingTaskCompleted':
        if (state.status === 'none') return state;
        return { status: 'completed', taskId: state.taskId, tenantId: state.tenantId, exampleId: state.exampleId, labelerId: event.data.labelerId, label: event.data.label };
      case 'LabelingTaskSkipped':
        if (state.status === 'none') return state;
        return { status: 'skipped', taskId: state.taskId, tenantId: state.tenantId, exampleId: state.exampleId, labelerId: event.data.labelerId };
      default:
        return assertNever(event, 'labeling task event');
    }
  },

  decide(command, state) {
    switch (command.kind) {
      case 'create': {
        // Batches create tasks with deterministic ids: a second create is the same task again.
        if (state.status !== 'none') return [];
        const { taskId, tenantId, batchId, exampleId, sourceSystem, priority, rank, at } = command;
        return [{ type: 'LabelingTaskCreated', data: { taskId, tenantId, batchId, exampleId, sourceSystem, priority, rank, createdAt: at } }];
      }
      case 'claim': {
        const task = existing(state, command);
        if (!(command.leaseMinutes > 0)) throw new ValidationError('leaseMinutes must be positive');
        const leaseExpiresAt = new Date(Date.parse(command.at) + command.leaseMinutes * 60_000).toISOString();
        if (task.status === 'claimed' && heldBy(task, command.labelerId, command.at)) {
          // Re-claiming your own task extends the lease; the same instant again changes nothing.
          if (leaseExpiresAt <= task.leaseExpiresAt) return [];
          return [{ type: 'LabelingTaskLeaseExtended', data: { taskId: task.taskId, labelerId: command.labelerId, extendedAt: command.at, leaseExpiresAt } }];
        }
        if (task.status === 'open' || (task.status === 'claimed' && !leaseLive(task, command.at))) {
          const previousHolder = task.status === 'claimed' && task.holder !== command.labelerId ? task.holder : undefined;
          return [
            {
              type: 'LabelingTaskClaimed',
              data: { taskId: task.taskId, exampleId: task.exampleId, labelerId: command.labelerId, claimedAt: command.at, leaseExpiresAt, ...(previousHolder ? { previousHolder } : {}) },
            },
          ];
        }
        throw notHeld(task, command, 'claim');
      }
      case 'submit': {
        const task = existing(state, command);
        const label = command.label.trim();
        if (label.length === 0) throw new ValidationError('label must not be empty', { fields: { label: ['must not be empty'] } });
        // A sealed label (a plate on an entry) was checked before it was sealed: its ciphertext is longer.
        if (label.length > MAX_LABEL_LENGTH && !isSealed(label)) throw new ValidationError(`label must be at most ${MAX_LABEL_LENGTH} characters`, { fields: { label: ['too long'] } });
        if (task.status === 'completed' && task.labelerId === command.labelerId && task.label === label) return [];
        if (!heldBy(task, command.labelerId, command.at)) throw notHeld(task, command, 'submit');
        return [{ type: 'LabelingTaskCompleted', data: { taskId: task.taskId, exampleId: task.exampleId, labelerId: command.labelerId, label, completedAt: command.at } }];
      }
      case 'skip': {
        const task = existing(state, command);
        if (task.status === 'skipped' && task.labelerId === command.labelerId) return [];
        if (!heldBy(task, command.labelerId, command.at)) throw notHeld(task, command, 'skip');
        const reason = command.reason?.trim();
        return [{ type: 'LabelingTaskSkipped', data: { taskId: task.taskId, exampleId: task.exampleId, labelerId: command.labelerId, skippedAt: command.at, ...(reason ? { reason } : {}) } }];
      }
      case 'release': {
        const task = existing(state, command);
        if (task.status === 'open' && task.lastReleasedBy === command.labelerId) return [];
        // Your own lapsed lease may still be released explicitly: it says so in the log.
        if (task.status !== 'claimed' || task.holder !== command.labelerId) throw notHeld(task, command, 'release');
        return [{ type: 'LabelingTaskReleased', data: { taskId: task.taskId, labelerId: command.labelerId, releasedAt: command.at } }];
      }
      default:
        return assertNever(command, 'labeling task command');
    }
  },
};
