/**
 * Development aid: peak memory of walking the outcome sweep's due predictions, all at once (as the
 * sweep did) vs in the sweep's bounded pages. Seeds N pending prediction-log documents straight
 * into an embedded read store, then runs each walk in its own child process and reports its peak
 * RSS and heap. The walk does everything the sweep does per prediction except sending the
 * outcome command (which holds nothing between predictions).
 *
 *   node -r ts-node/register/transpile-only scripts/sweep-memory.ts 1000000
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allPages } from '../src/ports/read-store.port';
import { SqliteReadStore } from '../src/infrastructure/read-store/sqlite-read-store';
import { openSqlite } from '../src/infrastructure/sqlite/sqlite-database';
import { MATCH_WINDOW_MS } from '../src/domain/predictions/outcome-matching';
import type { PredictionLogDoc } from '../src/ports/prediction-log.query';
import { SWEEP_PAGE } from '../src/sagas/outcomes/outcome-sweep.service';

const COLLECTION = 'bench_predictions_log';
const NOW = Date.parse('2026-06-01T00:00:00Z');
const filter = { outcome: 'pending', predicted_ms: { $lte: NOW - MATCH_WINDOW_MS } };

function doc(i: number): PredictionLogDoc {
  const at = NOW - 2 * MATCH_WINDOW_MS - i * 1000;
  return {
    prediction_id: `p-${i}`, tenant: 'acme', model_type: 'conflict_predictor', model_version: 'heuristic_v1', probability: 0.2, risk_level: 'medium',
    recommendation: 'sync_with_review', features: { concurrent_editors: 0, hours_since_last_sync: 168, user_conflict_rate: 0, entity_edit_frequency: 0, field_overlap_score: 0 },
    user_id: `u-${i % 500}`, entity_type: 'meter', entity_id: `m-${i % 5000}`, device_id: 'd', fields: ['value'], sync_id: null, sync_matched: false,
    predicted_at: new Date(at).toISOString(), predicted_ms: at, conflict_seen: false, outcome: 'pending', conflict_occurred: null, outcome_recorded_at: null,
  };
}

async function seed(file: string, n: number): Promise<void> {
  const store = new SqliteReadStore(openSqlite({ file, synchronous: 'NORMAL' }));
  await store.ensureIndex(COLLECTION, ['outcome', 'predicted_ms']);
  for (let i = 0; i < n; i += 10_000) {
    const ops = Array.from({ length: Math.min(10_000, n - i) }, (_, k) => ({ kind: 'upsert' as const, collection: COLLECTION, id: `p-${i + k}`, doc: doc(i + k) }));
    await store.batch(ops);
  }
  await store.close();
}

async function walk(file: string, mode: 'all' | 'paged'): Promise<void> {
  const store = new SqliteReadStore(openSqlite({ file, synchronous: 'NORMAL' }));
  let heapPeak = 0;
  let seen = 0;
  const visit = (p: PredictionLogDoc) => {
    seen += p.conflict_seen ? 2 : 1;
  };
  const all: PredictionLogDoc[] = [];
  const started = performance.now();
  for await (const page of allPages<PredictionLogDoc>(store, COLLECTION, { filter, sort: [['predicted_ms', 1]] }, SWEEP_PAGE)) {
    if (mode === 'all') all.push(...page);
    else page.forEach(visit);
    heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
  }
  all.forEach(visit);
  heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
  const mb = (b: number) => Math.round(b / 1024 / 1024);
  console.log(JSON.stringify({ mode, due: seen, seconds: Math.round((performance.now() - started) / 100) / 10, peak_rss_mb: mb(process.resourceUsage().maxRSS * 1024), peak_heap_mb: mb(heapPeak) }));
  await store.close();
}

async function main(): Promise<void> {
  const [a, b] = process.argv.slice(2);
  if (a === '--walk') return walk(b, process.argv[4] as 'all' | 'paged');
  const n = Number(a ?? 1_000_000);
  const dir = mkdtempSync(join(tmpdir(), 'sweep-memory-'));
  try {
    const file = join(dir, 'read.db');
    await seed(file, n);
    for (const mode of ['paged', 'all']) {
      process.stdout.write(execFileSync(process.execPath, ['--max-old-space-size=8192', '-r', 'ts-node/register/transpile-only', __filename, '--walk', file, mode], { encoding: 'utf8' }));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
