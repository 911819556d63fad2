import { Module } from '@nestjs/common';

/** Feature module: weekly retraining, auto-activation, rollback (issue 6). */
@Module({})
export class ModelLifecycleModule {}
