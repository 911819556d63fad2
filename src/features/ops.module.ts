import { Module } from '@nestjs/common';
import { AuditController } from '../projections/audit/audit.controller';
import { OpsController } from '../runtime/ops/ops.controller';
import { ReadinessService } from '../runtime/ops/readiness.service';

@Module({ controllers: [AuditController, OpsController], providers: [ReadinessService], exports: [ReadinessService] })
export class CoreModule {}
