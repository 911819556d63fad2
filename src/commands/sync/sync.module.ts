import { Module } from '@nestjs/common';

/** Feature module: sync history, point-in-time conflict features, training rows (issue 5). */
@Module({})
export class SyncModule {}
