import { Module, OnModuleInit } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { conflictFeaturesProjection } from '../projections/conflict-features/conflict-features.projection';
import { CONFLICT_FEATURES_QUERY } from '../ports/conflict-features.query';
import { ConflictFeaturesService } from '../projections/conflict-features/conflict-features.service';
import { ProjectionRunner } from '../runtime/projection-runner';
import { SyncController } from '../commands/sync/sync.controller';

/**
 * Feature module: sync history, point-in-time conflict features, training rows.
 * Imports no model module: the models and predictions modules depend on this one, not back.
 */
@Module({
  imports: [CqrsModule],
  controllers: [SyncController],
  providers: [ConflictFeaturesService, { provide: CONFLICT_FEATURES_QUERY, useExisting: ConflictFeaturesService }],
  exports: [ConflictFeaturesService, CONFLICT_FEATURES_QUERY],
})
export class SyncModule implements OnModuleInit {
  constructor(private readonly runner: ProjectionRunner) {}

  onModuleInit(): void {
    this.runner.register(conflictFeaturesProjection);
  }
}
