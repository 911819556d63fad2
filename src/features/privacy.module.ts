import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { ErasureController } from '../commands/privacy/erasure.controller';
import { OpenPersonalFieldsInterceptor } from '../commands/privacy/open-personal-fields.interceptor';

/** Feature module: erasure of personal data and the opening of sealed fields in every answer. */
@Module({
  controllers: [ErasureController],
  providers: [{ provide: APP_INTERCEPTOR, useClass: OpenPersonalFieldsInterceptor }],
})
export class PrivacyModule {}
