/**
 * The point-in-time feature lookup behind a conflict prediction (`featuresAt`: the catalog and two
 * history reads), in process, p50/p99, over a seeded sync history (syncs and conflicts over the
 * past 30 days, seeded through the app's HTTP API). The endpoint itself is measured over HTTP with
 * the server in its own process by `npm run bench -- http`.
 */
import { ConflictFeaturesService } from '../src/projections/conflict-features/conflict-features.service';
import { seededRandom } from '../src/ml/prng';
import { startTestApp } from '../test/support/app';
import { BenchRow, percentile, round } from './support';

const SUITE = 'prediction';
const USERS = 50;
const ENTITIES = 200;
const SYNCS = 2000;
const DAY_MS = 24 * 3600 * 1000;
const FIELDS = ['value', 'unit', 'note', 'serial', 'photo'];

export default async function run(): Promise<BenchRow[]> {
  const app = await startTestApp({ env: { SQLITE_SYNCHRONOUS: process.env.BENCH_SQLITE_SYNCHRONOUS ?? 'FULL' } });
  try {
    const random = seededRandom(42);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)];
    const now = Date.now();
    const tokens = Array.from({ length: USERS }, (_, i) => app.token({ sub: `u${i}`, tenant: 'bench', roles: ['guard'] }));
    const post = async (token: string, path: string, body: unknown) => {
      const res = await fetch(`${app.baseUrl}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      if (res.status !== 201) throw new Error(`seeding ${path} answered ${res.status}: ${await res.text()}`);
      return (await res.json()) as { position: string };
    };
    let position = '0';
    for (let i = 0; i < SYNCS; i += 50) {
      const batch = Array.from({ length: Math.min(50, SYNCS - i) }, async (_, j) => {
        const token = pick(tokens);
        const syncId = `seed-${i + j}`;
        const fields = FIELDS.filter(() => random() < 0.4);
        await post(token, '/api/v2/sync/events', {
          sync_id: syncId,
          entity_type: 'meter',
          entity_id: `m${Math.floor(random() * ENTITIES)}`,
          device_id: 'bench',
          fields,
          synced_at: new Date(now - random() * 30 * DAY_MS).toISOString(),
        });
        if (random() < 0.15) position = (await post(token, '/api/v2/sync/conflicts', { sync_id: syncId, resolution_type: 'merged' })).position;
      });
      await Promise.all(batch);
    }
    const head = (await post(tokens[0], '/api/v2/sync/events', { entity_type: 'meter', entity_id: 'm0', device_id: 'bench', fields: ['value'] })).position;
    const ready = await fetch(`${app.baseUrl}/api/v2/sync/features?entity_type=meter&entity_id=m0&min_position=${BigInt(head) > BigInt(position) ? head : position}`, {
      headers: { authorization: `Bearer ${app.token({ sub: 'ml', tenant: 'bench', roles: ['ml_engineer'] })}` },
    });
    if (ready.status !== 200) throw new Error(`features after seeding answered ${ready.status}`);

    const features = app.app.get(ConflictFeaturesService);
    const samples: number[] = [];
    for (let i = 0; i < 5000; i++) {
      const user = `u${Math.floor(random() * USERS)}`;
      const entity = `m${Math.floor(random() * ENTITIES)}`;
      const start = process.hrtime.bigint();
      await features.featuresAt('bench', user, 'meter', entity, ['value', 'unit'], now);
      samples.push(Number(process.hrtime.bigint() - start) / 1e6);
    }

    const seeded = `${SYNCS} syncs, ${USERS} users, ${ENTITIES} entities`;
    return [
      { suite: SUITE, metric: 'featuresAt in-process p50', value: round(percentile(samples, 50), 3), unit: 'ms', note: seeded },
      { suite: SUITE, metric: 'featuresAt in-process p99', value: round(percentile(samples, 99), 3), unit: 'ms', note: seeded },
    ];
  } finally {
    await app.close();
  }
}
