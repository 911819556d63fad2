import { Inject, Injectable } from '@nestjs/common';
import type { PredictionLogDoc, PredictionLogReader } from '../../ports/prediction-log.query';
import { FindOptions, Page, READ_STORE, ReadStore } from '../../ports/read-store.port';
import { ProjectionRunner } from '../../runtime/projection-runner';
import { BySyncDoc, PREDICTIONS_BY_SYNC, PREDICTION_LOG, syncKey } from './prediction-log.projection';

/** Reads of the prediction log: its query endpoint, and the outcome saga and sweep (PREDICTION_LOG_QUERY). */
@Injectable()
export class PredictionLogQuery implements PredictionLogReader {
  constructor(
    private readonly runner: ProjectionRunner,
    @Inject(READ_STORE) private readonly store: ReadStore,
  ) {}

  async find(options: FindOptions): Promise<Page<PredictionLogDoc>> {
    return this.store.find<PredictionLogDoc>(await this.runner.catalog.collection(PREDICTION_LOG), options);
  }

  async get(predictionId: string): Promise<PredictionLogDoc | null> {
    return this.store.get<PredictionLogDoc>(await this.runner.catalog.collection(PREDICTION_LOG), predictionId);
  }

  async predictionIdsOfSync(tenant: string, syncId: string): Promise<readonly string[]> {
    const doc = await this.store.get<BySyncDoc>(await this.runner.catalog.collection(PREDICTIONS_BY_SYNC), syncKey(tenant, syncId));
    return doc?.prediction_ids ?? [];
  }

  duePending(untilMs: number, page: { readonly limit: number; readonly cursor: string | null }): Promise<Page<PredictionLogDoc>> {
    return this.find({ filter: { outcome: 'pending', predicted_ms: { $lte: untilMs } }, sort: [['predicted_ms', 1]], limit: page.limit, cursor: page.cursor });
  }
}
