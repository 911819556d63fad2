/**
 * Development aid: the 7-day accuracy the service reports on a generated history, beside the
 * true one counted here from what was generated. Several predictions often precede one sync (a
 * user asks again before syncing), which is where outcome matching matters. Drives the real app
 * over HTTP with a manual clock; deterministic for a seed, so two builds can be compared:
 *
 *   node -r ts-node/register/transpile-only scripts/accuracy-history.ts [seed]
 */
import { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../src/bootstrap';
import { loadConfig } from '../src/config';
import { ManualClock } from '../src/domain/shared/clock';
import { Role } from '../src/domain/shared/principal';
import { JwtService } from '../src/infrastructure/auth/jwt';
import { seededRandom } from '../src/ml/prng';

const HOUR = 3600_000;
const T0 = Date.parse('2026-04-01T00:00:00Z');

async function main(): Promise<void> {
  const random = seededRandom(process.argv[2] ?? 'accuracy-history');
  const dir = mkdtempSync(join(tmpdir(), 'accuracy-history-'));
  const clock = new ManualClock(new Date(T0).toISOString());
  const config = loadConfig({ DATA_DIR: dir, JWT_SECRET: 'accuracy-history-secret-0123', LOG_LEVEL: 'silent', SCHEDULES_ENABLED: 'false', SQLITE_SYNCHRONOUS: 'NORMAL', OCR_EAGER_START: 'false', RATE_LIMIT_PER_MINUTE: '100000000' });
  const jwt = new JwtService(config.jwtSecret as string);
  const app = await createApp(config, { clock });
  await app.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  const call = async <T>(sub: string, roles: Role[], method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${jwt.sign({ sub, tenant: 'acme', roles })}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return (await res.json()) as T;
  };
  try {
    const truth: { probability: number; conflict: boolean }[] = [];
    let n = 0;
    // 6 simulated days of sessions, one every ~20 minutes, over 8 users and 6 entities.
    for (let t = T0; t < T0 + 6 * 24 * HOUR; t += 20 * 60_000) {
      clock.set(new Date(t));
      const user = `u${Math.floor(random() * 8)}`;
      const entity = `e${Math.floor(random() * 6)}`;
      const asks = 1 + Math.floor(random() * 3);
      const probabilities: number[] = [];
      for (let k = 0; k < asks; k++) {
        const p = await call<{ probability: number }>(user, ['guard'], 'POST', '/api/v2/ml/conflict-predictions', { entity_type: 'meter', entity_id: entity, device_id: 'd', fields: ['value'] });
        probabilities.push(p.probability);
        clock.advance(60_000);
      }
      const syncId = `s${n++}`;
      await call(user, ['guard'], 'POST', '/api/v2/sync/events', { sync_id: syncId, entity_type: 'meter', entity_id: entity, device_id: 'd', fields: ['value'] });
      // Drawn from the history alone (two busy entities conflict more), never from a build's answers,
      // so both builds see the same syncs and conflicts.
      const conflict = random() < (entity === 'e0' || entity === 'e1' ? 0.6 : 0.15);
      if (conflict) await call(user, ['guard'], 'POST', '/api/v2/sync/conflicts', { sync_id: syncId, resolution_type: 'manual' });
      for (const p of probabilities) truth.push({ probability: p, conflict });
    }
    clock.set(new Date(T0 + 7 * 24 * HOUR));
    await new Promise((r) => setTimeout(r, 500));
    const swept = await call<{ position: string }>('ops', ['ops', 'ml_engineer'], 'POST', '/api/v2/ml/predictions/outcomes/sweep');
    const reported = await call<{ accuracy: number; sample_size: number }>('ops', ['ops', 'ml_engineer'], 'GET', `/api/v2/ml/accuracy?window_days=7&min_position=${swept.position}`);
    const correct = truth.filter((x) => x.probability >= 0.5 === x.conflict).length;
    console.log(JSON.stringify({ predictions: truth.length, syncs: n, conflicts_true: truth.filter((x) => x.conflict).length, true_accuracy: correct / truth.length, reported_accuracy: reported.accuracy, reported_sample: reported.sample_size }));
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
