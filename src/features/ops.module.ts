import { Module } from '@nestjs/common';
import { AuditController } from '../projections/audit/audit.controller';
import { OpsController } from '../projections/ops/ops.controller';
import { ReadinessService } from '../projections/ops/readiness.service';

@Module({ controllers: [AuditController, OpsController], providers: [ReadinessService], exports: [ReadinessService] })
export class CoreModule {}
