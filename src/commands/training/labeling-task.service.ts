import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { APP_CONFIG, AppConfig } from '../../config';
import { CLOCK, Clock } from '../../domain/shared/clock';
import { NotFoundError } from '../../domain/shared/errors';
import { streamName } from '../../domain/shared/events';
import { isValidId, newId } from '../../domain/shared/ids';
import { LabelingTaskCommand, LabelingTaskState, MAX_LABEL_LENGTH, labelingTaskDecider } from '../../domain/training/labeling-task.decider';
import { LabelingTaskEvent } from '../../domain/training/labeling-task.events';
import { LABELING_TASK_CATEGORY } from '../../domain/training/labeling-task.events';
import { redactPii } from '../../domain/training/redaction';
import { trainingExampleDecider } from '../../domain/training/training-example.decider';
import { Principal } from '../../domain/shared/principal';
import { EVENT_STORE, EventStore } from '../../ports/event-store.port';
import { PERSONAL_DATA, PersonalDataPort } from '../../ports/personal-data.port';
import { sealOnEntry } from '../privacy/seal-on-entry';
import { contextFromPrincipal, Decide } from '../../runtime/decide';

export interface TaskAnswer {
  task_id: string;
  example_id: string | null;
  status: string;
  claimed_by: string | null;
  lease_expires_at: string | null;
  label?: string;
  position: string;
}

/** `exampleIdFor('vehicle_entry', entryId)`. */
const ENTRY_EXAMPLE = 've_';

type Action = 'claim' | 'submit' | 'skip' | 'release';

/** The labeling task lifecycle for the API; tenant, labeler and time come from the token and the clock. */
@Injectable()
export class LabelingTaskService {
  constructor(
    private readonly commandBus: CommandBus,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(PERSONAL_DATA) private readonly personal: PersonalDataPort,
  ) {}

  claim(p: Principal, taskId: string, key: string | null): Promise<TaskAnswer> {
    return this.act(p, taskId, 'claim', key, (acting) => ({ kind: 'claim', ...acting, leaseMinutes: this.config.labelingLeaseMinutes }));
  }

  /**
   * Completes the task. The example's label event comes from the label saga alone; the answer's
   * position (the task's own event) already covers the example in the training-examples read model.
   */
  async submit(p: Principal, taskId: string, label: string, key: string | null): Promise<TaskAnswer> {
    // Labels are training data: the same PII rules as OCR text apply (readings and plates stay).
    const clean = redactPii(label).text.trim();
    const stored = isValidId(taskId) ? await this.sealedLabel(p, taskId, clean) : clean;
    return this.act(p, taskId, 'submit', key, (acting) => ({ kind: 'submit', ...acting, label: stored }));
  }

  /**
   * The label of an entry's example is a plate: sealed under that plate's subject (the entry joins
   * it, as with a correction). A repeated submit of the same label reuses the stored ciphertext, so
   * the decider sees the same label and appends nothing. Anything the decider will refuse (another
   * tenant's task, an empty or too long label) stays plain and seals nothing.
   */
  private async sealedLabel(p: Principal, taskId: string, clean: string): Promise<string> {
    if (clean.length === 0 || clean.length > MAX_LABEL_LENGTH) return clean;
    const task = (await this.events.readStream(streamName(LABELING_TASK_CATEGORY, taskId))).reduce(
      (s, e) => labelingTaskDecider.evolve(s, e as unknown as LabelingTaskEvent),
      labelingTaskDecider.initialState,
    );
    if (task.status === 'none' || task.tenantId !== p.tenant || !task.exampleId.startsWith(ENTRY_EXAMPLE)) return clean;
    if (task.status === 'completed' && task.labelerId === p.sub) {
      const opened = await this.personal.open(p.tenant, task.label);
      if ('text' in opened && opened.text === clean) return task.label;
    }
    return (await sealOnEntry(this.personal, this.events, p.tenant, task.exampleId.slice(ENTRY_EXAMPLE.length), clean)) ?? clean;
  }

  /** The task closes and its example goes back to the pool, the skip recorded on the example. */
  async skip(p: Principal, taskId: string, reason: string | undefined, key: string | null): Promise<TaskAnswer> {
    const answer = await this.act(p, taskId, 'skip', key, (acting) => ({ kind: 'skip', ...acting, reason }));
    if (answer.status !== 'skipped' || !answer.example_id) return answer;
    const command = { type: 'ReturnTrainingExample' as const, exampleId: answer.example_id, taskId, labelerId: p.sub, ...(reason === undefined ? {} : { reason }) };
    const result = await this.commandBus.execute(
      new Decide(streamName('example', answer.example_id), trainingExampleDecider, command, contextFromPrincipal(p, `labeling:${taskId}:return`)),
    );
    return { ...answer, position: String(Math.max(Number(answer.position), result.position)) };
  }

  release(p: Principal, taskId: string, key: string | null): Promise<TaskAnswer> {
    return this.act(p, taskId, 'release', key, (acting) => ({ kind: 'release', ...acting }));
  }

  private async act(p: Principal, taskId: string, action: Action, key: string | null, build: (acting: { taskId: string; tenantId: string; labelerId: string; at: string }) => LabelingTaskCommand): Promise<TaskAnswer> {
    if (!isValidId(taskId)) throw new NotFoundError(`no labeling task ${taskId}`, { task_id: taskId });
    const commandId = key ? `labeling:${p.tenant}:${p.sub}:${action}:${taskId}:${key}` : newId();
    const at = this.clock.now().toISOString();
    const result = await this.commandBus.execute(
      new Decide(streamName(LABELING_TASK_CATEGORY, taskId), labelingTaskDecider, build({ taskId, tenantId: p.tenant, labelerId: p.sub, at }), contextFromPrincipal(p, commandId)),
    );
    return answer(taskId, result.state, result.position);
  }
}

function answer(taskId: string, state: LabelingTaskState, position: number): TaskAnswer {
  if (state.status === 'none') throw new NotFoundError(`no labeling task ${taskId}`, { task_id: taskId });
  const base = { task_id: taskId, example_id: state.exampleId, status: state.status, position: String(position) };
  switch (state.status) {
    case 'claimed':
      return { ...base, claimed_by: state.holder, lease_expires_at: state.leaseExpiresAt };
    case 'completed':
      return { ...base, claimed_by: null, lease_expires_at: null, label: state.label };
    case 'open':
    case 'skipped':
      return { ...base, claimed_by: null, lease_expires_at: null };
  }
}
