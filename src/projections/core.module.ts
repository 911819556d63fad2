import { Module } from '@nestjs/common';
import { AuditController } from './audit/audit.controller';
import { OpsController } from './ops/ops.controller';
import { ReadinessService } from './ops/readiness.service';

@Module({ controllers: [AuditController, OpsController], providers: [ReadinessService], exports: [ReadinessService] })
export class CoreModule {}
