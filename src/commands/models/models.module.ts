import { Module } from '@nestjs/common';

/** Feature module: model registry, training, serving, upload (issues 5, 6). */
@Module({})
export class ModelsModule {}
