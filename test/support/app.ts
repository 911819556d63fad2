import { INestApplication } from '@nestjs/common';
import { mkdtempSync, rmSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../src/bootstrap';
import { loadConfig } from '../../src/config';
import { Clock } from '../../src/domain/shared/clock';
import { Role } from '../../src/domain/shared/principal';
import { JwtService } from '../../src/infrastructure/auth/jwt';
import { OcrEngine } from '../../src/ports/ocr-engine.port';
import { PersonalDataPort } from '../../src/ports/personal-data.port';
import { TestStore, storeFromEnvironment } from './test-stores';

export interface TestApp {
  readonly baseUrl: string;
  readonly app: INestApplication;
  readonly dataDir: string;
  /** The store variables the app runs with (DATABASE_URL, MONGODB_URI, …): give them to a CLI run beside it. */
  readonly storeEnv: Record<string, string>;
  token(claims: { sub: string; tenant: string; roles: readonly string[] }, options?: { expiresInSeconds?: number; nbf?: number; nowSeconds?: number }): string;
  /** Restart on the same data directory (a clean restart; the faults suite kills child processes). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  readonly env?: Record<string, string>;
  readonly clock?: Clock;
  readonly ocrEngine?: OcrEngine;
  readonly dataDir?: string;
  readonly keepData?: boolean;
  /** Where events and read models live; default: from the environment (see test-stores.ts). */
  readonly store?: TestStore;
  /** In place of the sealing of personal fields (the privacy bench measures the path without it). */
  readonly personalData?: PersonalDataPort;
}

export const TEST_JWT_SECRET = 'test-secret-0123456789abcdef';

/** The real app over real HTTP on a temp SQLite file. One per test file. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'flywheel-test-'));
  const store = await storeFromEnvironment(options.store);
  const config = loadConfig({
    DATA_DIR: dataDir,
    JWT_SECRET: TEST_JWT_SECRET,
    LOG_LEVEL: 'error',
    OCR_WORKERS: '1',
    OCR_EAGER_START: 'false',
    RATE_LIMIT_PER_MINUTE: '1000000',
    SCHEDULES_ENABLED: 'false',
    SQLITE_SYNCHRONOUS: 'NORMAL',
    ...store.env,
    ...options.env,
  });
  const jwt = new JwtService(config.jwtSecret as string);
  const overrides = { clock: options.clock, ocrEngine: options.ocrEngine, personalData: options.personalData };
  let app = await createApp(config, overrides);
  await app.listen(0, '127.0.0.1');
  const handle: TestApp = {
    get baseUrl() {
      return `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    },
    get app() {
      return app;
    },
    dataDir,
    storeEnv: store.env,
    token: (claims, tokenOptions) => jwt.sign({ sub: claims.sub, tenant: claims.tenant, roles: claims.roles as Role[] }, tokenOptions),
    async restart() {
      const port = (app.getHttpServer().address() as AddressInfo).port;
      await app.close();
      app = await createApp(config, overrides);
      await app.listen(port, '127.0.0.1');
    },
    async close() {
      await app.close();
      if (!options.keepData) await store.dispose();
      if (!options.keepData && !options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return handle;
}
