import { Module } from '@nestjs/common';

/** Feature module: active learning, labeling tasks, monitoring, datasets (issue 4). */
@Module({})
export class TrainingModule {}
