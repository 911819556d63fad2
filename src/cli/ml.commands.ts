import { Inject } from '@nestjs/common';
import { Command, CommandRunner, Option } from 'nest-commander';
import { userInfo } from 'node:os';
import { contextFromPrincipal } from '../runtime/decide';
import { actionAnswer } from '../commands/models/model-action-answer';
import { ModelRegistryService } from '../commands/models/model-registry.service';
import { DEFAULT_DAYS_BACK, ModelTrainingService } from '../commands/models/model-training.service';
import { ActiveLearningService } from '../commands/training/active-learning.service';
import { CLOCK, Clock } from '../domain/shared/clock';
import { newId } from '../domain/shared/ids';
import { EVENT_STORE, EventStore } from '../ports/event-store.port';
import { READ_STORE, ReadStore } from '../ports/read-store.port';
import { ProjectionRunner } from '../runtime/projection-runner';
import { retrainAnswer } from '../commands/models/retrain-answer';
import { RetrainingService } from '../commands/models/retraining.service';
import { OutcomeSweepService } from '../sagas/outcomes/outcome-sweep.service';
import { fail, jsonLine } from './output';
import { withCurrentReadModels } from './read-models-current';

const actor = () => `cli:${userInfo().username}`;
const cliContext = (tenant = 'platform') => contextFromPrincipal({ sub: actor(), tenant, roles: ['ml_engineer', 'ops'] }, newId());

abstract class ReadModelCommand extends CommandRunner {
  constructor(
    protected readonly runner: ProjectionRunner,
    @Inject(EVENT_STORE) protected readonly events: EventStore,
    @Inject(READ_STORE) protected readonly reads: ReadStore,
    @Inject(CLOCK) protected readonly clock: Clock,
  ) {
    super();
  }

  protected current<T>(work: () => Promise<T>): Promise<T> {
    return withCurrentReadModels(this.runner, this.events, this.reads, work);
  }
}

function positiveInt(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) fail(`${flag} must be a positive integer`, 2);
  return n;
}

@Command({ name: 'active-learning:run', description: "select this week's batch for a tenant (idempotent per week)" })
export class ActiveLearningRunCommand extends ReadModelCommand {
  constructor(runner: ProjectionRunner, @Inject(EVENT_STORE) events: EventStore, @Inject(READ_STORE) reads: ReadStore, @Inject(CLOCK) clock: Clock, private readonly activeLearning: ActiveLearningService) {
    super(runner, events, reads, clock);
  }

  async run(_args: string[], options: { tenant?: string; batchSize?: number }): Promise<void> {
    if (!options.tenant) fail('--tenant is required', 2);
    const tenant = options.tenant;
    const result = await this.current(() => this.activeLearning.runActiveLearning(tenant, options.batchSize ?? 50, this.clock.now(), actor()));
    jsonLine({ batch_id: result.batchId, week: result.week, created: result.created, pool_size: result.poolSize, selected: result.selected.length, position: String(result.position) });
  }

  @Option({ flags: '--tenant <tenant>', description: 'tenant whose pool to select from' })
  parseTenant(value: string): string {
    return value;
  }

  @Option({ flags: '--batch-size <n>', description: 'examples to select (default 50)' })
  parseBatch(value: string): number {
    return positiveInt(value, '--batch-size');
  }
}

@Command({ name: 'models:train', description: 'train a new version from the sync history (never activates)' })
export class ModelsTrainCommand extends ReadModelCommand {
  constructor(runner: ProjectionRunner, @Inject(EVENT_STORE) events: EventStore, @Inject(READ_STORE) reads: ReadStore, @Inject(CLOCK) clock: Clock, private readonly training: ModelTrainingService) {
    super(runner, events, reads, clock);
  }

  async run(_args: string[], options: { modelType?: string; daysBack?: number }): Promise<void> {
    const commandId = newId();
    const result = await this.current(() =>
      this.training.train({ modelType: options.modelType ?? 'conflict_predictor', daysBack: options.daysBack ?? DEFAULT_DAYS_BACK, at: this.clock.now(), context: cliContext(), trigger: 'manual', runId: `train:${commandId}` }),
    );
    jsonLine({ model_type: result.modelType, version: result.version, metrics: result.event.metrics, position: String(result.position) });
  }

  @Option({ flags: '--model-type <type>', description: 'default conflict_predictor' })
  parseType(value: string): string {
    return value;
  }

  @Option({ flags: '--days-back <days>', description: 'training window (default 90)' })
  parseDays(value: string): number {
    return positiveInt(value, '--days-back');
  }
}

@Command({ name: 'models:activate', arguments: '<version>', description: 'activate a version (deactivates the active one in the same append)' })
export class ModelsActivateCommand extends CommandRunner {
  constructor(private readonly registry: ModelRegistryService) {
    super();
  }

  async run([version]: string[], options: { modelType?: string; reason?: string }): Promise<void> {
    const result = await this.registry.activate(options.modelType ?? 'conflict_predictor', version, cliContext(), options.reason ?? `activated from the CLI by ${actor()}`);
    jsonLine(actionAnswer(options.modelType ?? 'conflict_predictor', version, result));
  }

  @Option({ flags: '--model-type <type>', description: 'default conflict_predictor' })
  parseType(value: string): string {
    return value;
  }

  @Option({ flags: '--reason <text>', description: 'recorded in ModelActivated' })
  parseReason(value: string): string {
    return value;
  }
}

@Command({ name: 'models:retrain', description: 'the weekly retraining now: train, evaluate against the active model, apply the activation policy' })
export class ModelsRetrainCommand extends ReadModelCommand {
  constructor(runner: ProjectionRunner, @Inject(EVENT_STORE) events: EventStore, @Inject(READ_STORE) reads: ReadStore, @Inject(CLOCK) clock: Clock, private readonly retraining: RetrainingService) {
    super(runner, events, reads, clock);
  }

  async run(_args: string[], options: { modelType?: string }): Promise<void> {
    const outcome = await this.current(() => this.retraining.retrain(options.modelType ?? 'conflict_predictor', this.clock.now()));
    jsonLine(retrainAnswer(outcome));
  }

  @Option({ flags: '--model-type <type>', description: 'default conflict_predictor' })
  parseType(value: string): string {
    return value;
  }
}

@Command({ name: 'outcomes:sweep', description: 'close predictions older than 24 h with no conflict as negative outcomes' })
export class OutcomesSweepCommand extends ReadModelCommand {
  constructor(runner: ProjectionRunner, @Inject(EVENT_STORE) events: EventStore, @Inject(READ_STORE) reads: ReadStore, @Inject(CLOCK) clock: Clock, private readonly sweeper: OutcomeSweepService) {
    super(runner, events, reads, clock);
  }

  async run(): Promise<void> {
    jsonLine(await this.current(() => this.sweeper.sweep(actor())));
  }
}
