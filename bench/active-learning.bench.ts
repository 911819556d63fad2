import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createApp } from '../src/bootstrap';
import { ActiveLearningService } from '../src/commands/training/active-learning.service';
import { ExamplePoolService } from '../src/commands/training/example-pool.service';
import { loadConfig } from '../src/config';
import { deterministicUuid } from '../src/domain/shared/ids';
import { EVENT_STORE, EventStore } from '../src/ports/event-store.port';
import { seededRandom } from '../src/ml/prng';
import { ProjectionRunner } from '../src/runtime/projection-runner';
import { BenchRow, round } from './support';

const POOL = 10_000;

/**
 * One active-learning run end to end on the embedded store: load the tenant's pool from the
 * training-examples read model, select 50 (k-center), record the batch, create 50 labeling tasks
 * and queue 50 examples. Selection alone is in ml.bench.ts.
 */
export default async function bench(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-al-'));
  const config = loadConfig({ DATA_DIR: dir, JWT_SECRET: 'bench-secret-0123456789', LOG_LEVEL: 'error', OCR_EAGER_START: 'false', SCHEDULES_ENABLED: 'false', SQLITE_SYNCHRONOUS: 'NORMAL' });
  const app = await createApp(config);
  try {
    const events = app.get<EventStore>(EVENT_STORE);
    const random = seededRandom('al-bench');
    for (let i = 0; i < POOL; i++) {
      const exampleId = `mr_bench-${i}`;
      const confidence = random();
      const features = [...Array.from({ length: 64 }, () => (random() < 0.5 ? 0 : 1)), ...Array.from({ length: 7 }, () => random())];
      await events.append(
        `example-${exampleId}`,
        [
          {
            eventId: deterministicUuid(`bench:${i}`),
            type: 'TrainingExampleCaptured',
            data: { exampleId, sourceSystem: 'meter_reading', sourceId: `bench-${i}`, imageHash: '0'.repeat(64), rawText: String(i), confidence, uncertaintyScore: 1 - confidence, features, phash: '0'.repeat(16) },
            metadata: { tenantId: 'bench', actorId: 'bench', correlationId: `c${i}`, causationId: null, occurredAt: '2026-01-05T00:00:00.000Z', schemaVersion: 1 },
          },
        ],
        'no_stream',
      );
    }
    await app.get(ProjectionRunner).waitForPosition(await events.headPosition(), 120_000);
    let t = performance.now();
    await app.get(ExamplePoolService).load('bench');
    const poolMs = performance.now() - t;
    t = performance.now();
    const started = t;
    const run = await app.get(ActiveLearningService).runActiveLearning('bench', 50, new Date('2026-01-11T02:00:00.000Z'), 'bench');
    const ms = performance.now() - started;
    return [
      { suite: 'active-learning', metric: `pool load, ${POOL.toLocaleString('en-US')} examples`, value: round(poolMs, 0), unit: 'ms', note: 'training-examples read model (SQLite) to feature vectors' },
      { suite: 'active-learning', metric: `end-to-end run, 50 of ${POOL.toLocaleString('en-US')}`, value: round(ms, 0), unit: 'ms', note: `pool load + selection + batch + ${run.selected.length} tasks and queue commands (SQLite)` },
    ];
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
