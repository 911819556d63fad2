import { Module } from '@nestjs/common';

/** Feature module: conflict predictions, outcomes, accuracy (issues 5, 6). */
@Module({})
export class PredictionsModule {}
