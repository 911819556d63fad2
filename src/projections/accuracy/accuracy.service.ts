import { Inject, Injectable } from '@nestjs/common';
import { DAY_MS, HOUR_MS } from '../../domain/shared/clock';
import { AccuracyCount, AccuracyQuery } from '../../ports/accuracy.query';
import { Filter, READ_STORE, ReadStore } from '../../ports/read-store.port';
import { ProjectionRunner } from '../../runtime/projection-runner';
import { ACCURACY_ALERTS, ACCURACY_DAILY, AccuracyAlertDoc, AccuracyDayDoc } from './accuracy.projection';

export type { AccuracyCount } from '../../ports/accuracy.query';

export interface DailyAccuracy {
  readonly day: string;
  readonly model_version: string;
  readonly correct: number;
  readonly total: number;
}

/** Accuracy of recorded outcomes, bucketed by the prediction's time (platform-wide: models are). */
@Injectable()
export class AccuracyService implements AccuracyQuery {
  constructor(
    private readonly runner: ProjectionRunner,
    @Inject(READ_STORE) private readonly store: ReadStore,
  ) {}

  /**
   * Outcomes of predictions made in [fromMs, toMs] (to the hour: an hour bucket counts when it
   * starts within the range, the partial first hour included), of one version or all.
   */
  async accuracy(modelType: string, options: { version?: string; fromMs: number; toMs: number }): Promise<AccuracyCount> {
    const fromHour = Math.floor(options.fromMs / HOUR_MS) * HOUR_MS;
    let correct = 0;
    let total = 0;
    for (const doc of await this.days(modelType, fromHour, options.toMs, options.version)) {
      for (const [hour, [c, t]] of Object.entries(doc.hours)) {
        const start = doc.day_ms + Number(hour) * HOUR_MS;
        if (start < fromHour || start > options.toMs) continue;
        correct += c;
        total += t;
      }
    }
    return { correct, total };
  }

  /** The last `days` UTC days up to `nowMs`, oldest first, one entry per day and version. */
  async daily(modelType: string, days: number, nowMs: number): Promise<DailyAccuracy[]> {
    const today = Math.floor(nowMs / DAY_MS) * DAY_MS;
    const docs = await this.days(modelType, today - (days - 1) * DAY_MS, nowMs);
    return docs
      .sort((a, b) => a.day_ms - b.day_ms || (a.model_version < b.model_version ? -1 : a.model_version > b.model_version ? 1 : 0))
      .map((d) => ({ day: d.day, model_version: d.model_version, correct: d.correct, total: d.total }));
  }

  async alert(modelType: string): Promise<AccuracyAlertDoc | null> {
    return this.store.get<AccuracyAlertDoc>(await this.runner.catalog.collection(ACCURACY_ALERTS), modelType);
  }

  async alerts(): Promise<AccuracyAlertDoc[]> {
    return (await this.store.find<AccuracyAlertDoc>(await this.runner.catalog.collection(ACCURACY_ALERTS), { limit: 1000 })).items;
  }

  private async days(modelType: string, fromMs: number, toMs: number, version?: string): Promise<AccuracyDayDoc[]> {
    const fromDay = Math.floor(fromMs / DAY_MS) * DAY_MS;
    const filter: Filter = { model_type: modelType, day_ms: { $gte: fromDay, $lte: toMs }, ...(version !== undefined ? { model_version: version } : {}) };
    const collection = await this.runner.catalog.collection(ACCURACY_DAILY);
    return (await this.store.find<AccuracyDayDoc>(collection, { filter, sort: [['day_ms', 1]], limit: 100_000 })).items;
  }
}
