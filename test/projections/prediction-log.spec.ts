import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UpcasterRegistry } from '../../src/domain/shared/upcasting';
import { SqliteEventStore } from '../../src/infrastructure/event-store/sqlite-event-store';
import { SqliteReadStore } from '../../src/infrastructure/read-store/sqlite-read-store';
import { table } from '../../src/infrastructure/read-store/sqlite-sql';
import { SqliteHandle, openSqlite } from '../../src/infrastructure/sqlite/sqlite-database';
import { OPEN_CHUNK, PREDICTION_LOG, predictionLogProjection } from '../../src/projections/predictions/prediction-log.projection';
import type { PredictionLogDoc } from '../../src/ports/prediction-log.query';
import { ProjectionRunner } from '../../src/runtime/projection-runner';
import { newEvent } from '../contracts/event-store.contract';

/** Ids of one width, so the documents' sizes tell how many predictions they hold. */
const id = (i: number, entity = 'm1') => `p-${entity}-${String(i).padStart(4, '0')}`;
const T0 = Date.parse('2026-03-02T08:00:00.000Z');
const MINUTE = 60_000;

/**
 * The prediction log ties each prediction that named no sync to the user's next sync of the
 * entity. The predictions still open for a user and entity are kept so that a prediction rewrites
 * a bounded amount however many are open (before, one list rewritten whole on every prediction:
 * a client that predicts and never syncs made every prediction slower than the one before).
 */
describe('prediction log: open predictions of a user and entity', () => {
  let dir: string;
  let db: SqliteHandle;
  let events: SqliteEventStore;
  let reads: SqliteReadStore;
  let runner: ProjectionRunner;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'prediction-log-'));
    db = openSqlite({ file: join(dir, 'flywheel.db'), synchronous: 'NORMAL' });
    events = new SqliteEventStore(db, new UpcasterRegistry(), { pollIntervalMs: 10 });
    reads = new SqliteReadStore(db);
    runner = new ProjectionRunner(events, reads, { owner: 'test', leaseTtlMs: 5000, batchSize: 25 });
    runner.register(predictionLogProjection);
    await runner.start();
  });
  afterEach(async () => {
    await runner.stop();
    await events.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const predict = (i: number, entity = 'm1') =>
    events.append(
      `prediction-${entity}-${i}`,
      [
        newEvent('ConflictPredicted', {
          predictionId: id(i, entity),
          tenantId: 'acme',
          userId: 'u1',
          entityType: 'meter',
          entityId: entity,
          deviceId: 'd1',
          fields: ['value'],
          modelType: 'heuristic',
          modelVersion: 'v0',
          probability: 0.4,
          riskLevel: 'medium',
          recommendation: 'sync',
          features: { a: 1 },
          predictedAt: new Date(T0 + i * MINUTE).toISOString(),
        }),
      ],
      'no_stream',
    );
  const sync = (syncId: string, atMinute: number, entity = 'm1') =>
    events.append(
      `sync-${syncId}`,
      [newEvent('SyncRecorded', { syncId, tenantId: 'acme', userId: 'u1', entityType: 'meter', entityId: entity, deviceId: 'd1', fields: ['value'], syncedAt: new Date(T0 + atMinute * MINUTE).toISOString() })],
      'no_stream',
    );
  const settle = async () => {
    const head = await events.headPosition();
    expect(await runner.waitForPosition(head, 10_000)).toBe(true);
  };
  const log = async (id: string) => reads.get<PredictionLogDoc>(await runner.catalog.collection(PREDICTION_LOG), id);
  /** The most open predictions any one document of the projection holds (what a prediction rewrites). */
  const largestOpenList = async () => {
    let largest = 0;
    for (const logical of predictionLogProjection.collections) {
      if (logical === PREDICTION_LOG) continue;
      const name = table(await runner.catalog.collection(logical));
      const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name);
      if (exists) largest = Math.max(largest, (db.prepare(`SELECT MAX(json_array_length(doc, '$.open')) AS n FROM ${name}`).get() as { n: number | null }).n ?? 0);
    }
    return largest;
  };

  it('keeps the documents a prediction rewrites bounded while 200 predictions stay open', async () => {
    for (let i = 0; i < 40; i++) await predict(i);
    await settle();
    const after40 = await largestOpenList();
    for (let i = 40; i < 200; i++) await predict(i);
    await settle();
    const after200 = await largestOpenList();
    process.stdout.write(`open predictions: at most ${after40} in one document with 40 open, ${after200} with 200\n`);
    // One chunk's worth either way (before, the one list held all 40, then all 200).
    expect(after40).toBe(OPEN_CHUNK);
    expect(after200).toBe(OPEN_CHUNK);
  });

  it('a sync takes every open prediction made before it; the later ones stay open for the next sync', async () => {
    for (let i = 0; i < 150; i++) await predict(i);
    // Made at minutes 0..149: a back-filled sync at minute 99 takes 0..99, one at minute 200 the rest.
    await sync('s-1', 99);
    await settle();
    for (const i of [0, 15, 16, 17, 50, 99]) expect(await log(id(i))).toMatchObject({ sync_id: 's-1', sync_matched: true });
    for (const i of [100, 120, 149]) expect(await log(id(i))).toMatchObject({ sync_id: null, sync_matched: false });
    for (let i = 150; i < 170; i++) await predict(i);
    await sync('s-2', 200);
    await settle();
    for (const i of [100, 120, 149, 150, 169]) expect(await log(id(i))).toMatchObject({ sync_id: 's-2', sync_matched: true });
    expect((await log(id(99)))?.sync_id).toBe('s-1');
    // Another entity's predictions were never open for those syncs, and nothing stays open for a third.
    await predict(0, 'm2');
    await sync('s-3', 300, 'm2');
    await sync('s-4', 400);
    await settle();
    expect(await log(id(0, 'm2'))).toMatchObject({ sync_id: 's-3' });
    expect((await log(id(169)))?.sync_id).toBe('s-2');
  });
});
