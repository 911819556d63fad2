import type { Pool } from 'pg';
import { Provider } from '@nestjs/common';
import { AppConfig } from '../config';
import { CLOCK, Clock } from '../domain/shared/clock';
import { INFERENCE_RUNTIME } from '../ports/inference-runtime.port';
import { MutableOcrCalibrations, OCR_CALIBRATIONS } from '../ports/ocr-calibrations.port';
import { OCR_ENGINE, OcrEngine } from '../ports/ocr-engine.port';
import { PERSONAL_DATA_RETENTION } from '../ports/personal-data-retention.port';
import { PERSONAL_DATA, PersonalDataPort } from '../ports/personal-data.port';
import { JwtService, resolveJwtSecret } from './auth/jwt';
import { OnnxInferenceRuntime } from './inference/onnx-inference-runtime';
import { defaultActiveCalibrations } from './ocr/calibration/default-calibrations';
import { LazyOcrEngine } from './ocr/lazy-ocr-engine';
import { PaddleWorkerPool } from './ocr/paddle/paddle-worker-pool';
import { buildOcrEngine } from './ocr/per-mode-ocr.engine';
import { TesseractOcrEngine } from './ocr/tesseract-ocr.engine';
import { KEY_STORE, KeyStore } from './privacy/key-store.port';
import { resolveMasterKey } from './privacy/master-key';
import { PersonalData } from './privacy/personal-data';
import { PostgresKeyStore } from './privacy/postgres-key-store';
import { SqliteKeyStore } from './privacy/sqlite-key-store';
import { POSTGRES } from './tokens';

/** What tests and benchmarks may swap among the adapters (see InfrastructureOverrides). */
export interface AdapterOverrides {
  readonly ocrEngine?: OcrEngine;
  readonly personalData?: PersonalDataPort;
}

/** The adapters beside the stores: inference, OCR (engines and calibrations), personal data, JWT. */
export function adapterProviders(config: AppConfig, overrides: AdapterOverrides): Provider[] {
  return [
    { provide: INFERENCE_RUNTIME, useFactory: () => new OnnxInferenceRuntime() },
    { provide: OCR_CALIBRATIONS, useFactory: () => new MutableOcrCalibrations(defaultActiveCalibrations()) },
    {
      provide: OCR_ENGINE,
      inject: [OCR_CALIBRATIONS],
      useFactory: (calibrations: MutableOcrCalibrations): OcrEngine =>
        overrides.ocrEngine
          ? new LazyOcrEngine(overrides.ocrEngine)
          : buildOcrEngine(
              config.ocrEngines,
              {
                paddle: () => new PaddleWorkerPool({ size: config.ocrWorkers, engine: { threads: config.ocrPaddleThreads } }),
                tesseract: () => new TesseractOcrEngine({ poolSize: config.ocrWorkers }),
              },
              calibrations,
            ),
    },
    {
      provide: KEY_STORE,
      inject: [POSTGRES],
      useFactory: (pool: Pool | null): KeyStore => (pool ? new PostgresKeyStore(pool) : new SqliteKeyStore(config.dataDir)),
    },
    {
      provide: PersonalData,
      inject: [KEY_STORE, CLOCK],
      useFactory: (keys: KeyStore, clock: Clock) => new PersonalData(keys, resolveMasterKey(config.dataKey, config.dataDir), clock),
    },
    overrides.personalData ? { provide: PERSONAL_DATA, useValue: overrides.personalData } : { provide: PERSONAL_DATA, useExisting: PersonalData },
    { provide: PERSONAL_DATA_RETENTION, useExisting: KEY_STORE },
    { provide: JwtService, useFactory: () => new JwtService(resolveJwtSecret(config.jwtSecret, config.dataDir)) },
  ];
}
