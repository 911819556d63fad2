import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { ScheduleModule } from '@nestjs/schedule';
import { CommandProcessor } from './commands/shared/command-processor';
import { DecideHandler } from './commands/shared/decide.command';
import { AppConfig } from './config';
import { AuthGuard } from './infrastructure/auth/auth.guard';
import { AllExceptionsFilter } from './infrastructure/http/exception.filter';
import { IdempotencyInterceptor } from './infrastructure/http/idempotency.interceptor';
import { MinPositionInterceptor } from './runtime/min-position.interceptor';
import { RateLimitGuard } from './infrastructure/http/rate-limit.guard';
import { InfrastructureModule, InfrastructureOverrides } from './infrastructure.module';
import { CoreModule } from './features/ops.module';
import { FEATURE_MODULES } from './features/feature-modules';
import { OpenPersonalFieldsInterceptor } from './commands/privacy/open-personal-fields.interceptor';
import { InterceptorChain } from './http/interceptor-chain';

/** Shared write-side plumbing: the CommandBus and the one generic command handler. */
@Module({ imports: [CqrsModule], providers: [CommandProcessor, DecideHandler], exports: [CommandProcessor] })
export class CommandsModule {}

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, overrides: InfrastructureOverrides = {}): DynamicModule {
    const server = (overrides.role ?? 'server') === 'server';
    return {
      module: AppModule,
      imports: [
        InfrastructureModule.forRoot(config, overrides),
        CqrsModule.forRoot(),
        ...(server && config.schedulesEnabled ? [ScheduleModule.forRoot()] : []),
        CommandsModule,
        CoreModule,
        ...FEATURE_MODULES,
      ],
      providers: [
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: APP_GUARD, useClass: AuthGuard },
        MinPositionInterceptor,
        IdempotencyInterceptor,
        // Every answer: read-your-writes wait, Idempotency-Key check, sealed fields opened.
        {
          provide: APP_INTERCEPTOR,
          useFactory: (minPosition: MinPositionInterceptor, idempotency: IdempotencyInterceptor, open: OpenPersonalFieldsInterceptor) => new InterceptorChain(minPosition, idempotency, open),
          inject: [MinPositionInterceptor, IdempotencyInterceptor, OpenPersonalFieldsInterceptor],
        },
      ],
    };
  }
}
