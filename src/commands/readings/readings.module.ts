import { Module } from '@nestjs/common';

/** Feature module: meter readings, vehicle entries, corrections, training examples (issue 3). */
@Module({})
export class ReadingsModule {}
