import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ErasureController } from '../commands/privacy/erasure.controller';
import { OpenPersonalFieldsInterceptor } from '../commands/privacy/open-personal-fields.interceptor';
import { RetentionController } from '../commands/privacy/retention.controller';
import { RetentionService } from '../commands/privacy/retention.service';

/**
 * Feature module: erasure and retention of personal data, and the opening of sealed fields in every
 * answer (its interceptor runs in the application's interceptor chain).
 */
@Module({
  imports: [CqrsModule],
  controllers: [ErasureController, RetentionController],
  providers: [OpenPersonalFieldsInterceptor, RetentionService],
  exports: [RetentionService, OpenPersonalFieldsInterceptor],
})
export class PrivacyModule {}
