import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { APP_CONFIG, AppConfig } from '../../config';
import { CLOCK, Clock, DAY_MS } from '../../domain/shared/clock';
import { CONFLICT_PREDICTOR } from '../../domain/predictions/prediction.events';
import { Roles } from '../../http/access';
import { AccuracyService } from './accuracy.service';
import { AccuracyQuery, DailyAccuracyQuery } from './accuracy.dto';

/** Accuracy is platform-wide, like the models it judges: every tenant's outcomes count. */
@ApiTags('predictions')
@ApiBearerAuth()
@Controller('api/v2/ml/accuracy')
@Roles('ml_engineer', 'ops', 'auditor')
export class AccuracyController {
  constructor(
    private readonly accuracy: AccuracyService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  async windowed(@Query() query: AccuracyQuery) {
    const modelType = query.model_type ?? CONFLICT_PREDICTOR;
    const windowDays = query.window_days ?? 7;
    const now = this.clock.now().getTime();
    const { correct, total } = await this.accuracy.accuracy(modelType, { version: query.model_version, fromMs: now - windowDays * DAY_MS, toMs: now });
    const alert = await this.accuracy.alert(modelType);
    return {
      model_type: modelType,
      model_version: query.model_version ?? null,
      accuracy: total === 0 ? null : correct / total,
      correct,
      sample_size: total,
      window_days: windowDays,
      alert: alert?.raised ?? false,
      alert_below: this.config.accuracyAlertBelow,
      alert_min_samples: this.config.accuracyAlertMinSamples,
    };
  }

  @Get('daily')
  async daily(@Query() query: DailyAccuracyQuery) {
    return this.accuracy.daily(query.model_type ?? CONFLICT_PREDICTOR, query.days ?? 30, this.clock.now().getTime());
  }
}
