import { Module } from '@nestjs/common';
import { ActiveModelService } from '../../projections/model-registry/active-model.service';

/** Feature module: model registry, training, serving, upload (issues 5, 6). */
@Module({
  providers: [ActiveModelService],
  exports: [ActiveModelService],
})
export class ModelsModule {}
