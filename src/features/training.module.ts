import { Module, OnModuleInit } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { DatasetsQueryController } from '../projections/datasets/datasets-query.controller';
import { datasetsProjection } from '../projections/datasets/datasets.projection';
import { ExampleImageController } from '../projections/datasets/example-image.controller';
import { LabelingBacklogController } from '../projections/labeling-backlog/labeling-backlog.controller';
import { labelingBacklogProjection } from '../projections/labeling-backlog/labeling-backlog.projection';
import { LabelingBacklogQuery } from '../projections/labeling-backlog/labeling-backlog.query';
import { ProjectionRunner } from '../runtime/projection-runner';
import { TrainingMetricsController } from '../projections/training-monitoring/training-metrics.controller';
import { TrainingMetricsExporter } from '../projections/training-monitoring/training-metrics.exporter';
import { TrainingMetricsQuery } from '../projections/training-monitoring/training-metrics.query';
import { trainingMonitoringProjection } from '../projections/training-monitoring/training-monitoring.projection';
import { BatchTasksSaga, CaptureResumedSaga, TaskLabelSaga } from '../sagas/active-learning/active-learning.sagas';
import { TrainingSchedule } from '../commands/training/training.schedule';
import { SagaRunner } from '../runtime/saga-runner';
import { ReadingsModule } from './readings.module';
import { ActiveLearningController } from '../commands/training/active-learning.controller';
import { ActiveLearningService } from '../commands/training/active-learning.service';
import { MetricsService } from '../infrastructure/observability/metrics.service';
import { LABELING_BACKLOG_QUERY } from '../ports/labeling-backlog.query';
import { METRICS_REGISTRY } from '../ports/metrics-registry.port';
import { LABELING_TASK_FANOUT } from '../ports/labeling-task-fanout.port';
import { TRAINING_MONITORING_QUERY } from '../ports/training-monitoring.query';
import { CaptureMonitorService } from '../commands/training/capture-monitor.service';
import { DatasetService } from '../commands/training/dataset.service';
import { DatasetsController } from '../commands/training/datasets.controller';
import { ExamplePoolService } from '../commands/training/example-pool.service';
import { LabelingTaskService } from '../commands/training/labeling-task.service';
import { LabelingTasksController } from '../commands/training/labeling-tasks.controller';

/**
 * Feature module: active learning, labeling tasks, monitoring, datasets.
 * `ActiveLearningService.runActiveLearning(tenant, batchSize, at)` is exported for the CLI.
 */
@Module({
  imports: [CqrsModule, ReadingsModule],
  controllers: [
    ActiveLearningController,
    LabelingTasksController,
    LabelingBacklogController,
    ExampleImageController,
    TrainingMetricsController,
    DatasetsController,
    DatasetsQueryController,
  ],
  providers: [
    ExamplePoolService,
    { provide: LABELING_TASK_FANOUT, useExisting: BatchTasksSaga },
    ActiveLearningService,
    LabelingTaskService,
    CaptureMonitorService,
    DatasetService,
    LabelingBacklogQuery,
    { provide: LABELING_BACKLOG_QUERY, useExisting: LabelingBacklogQuery },
    TrainingMetricsQuery,
    { provide: TRAINING_MONITORING_QUERY, useExisting: TrainingMetricsQuery },
    { provide: METRICS_REGISTRY, useExisting: MetricsService },
    TrainingMetricsExporter,
    TrainingSchedule,
    BatchTasksSaga,
    TaskLabelSaga,
    CaptureResumedSaga,
  ],
  exports: [ActiveLearningService, TrainingSchedule, CaptureMonitorService],
})
export class TrainingModule implements OnModuleInit {
  constructor(
    private readonly runner: ProjectionRunner,
    private readonly sagas: SagaRunner,
    private readonly batchTasks: BatchTasksSaga,
    private readonly taskLabel: TaskLabelSaga,
    private readonly captureResumed: CaptureResumedSaga,
  ) {}

  onModuleInit(): void {
    this.runner.register(labelingBacklogProjection);
    this.runner.register(trainingMonitoringProjection);
    this.runner.register(datasetsProjection);
    this.sagas.register(this.batchTasks);
    this.sagas.register(this.taskLabel);
    this.sagas.register(this.captureResumed);
  }
}
