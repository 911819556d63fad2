import Database from 'better-sqlite3';
import { join } from 'node:path';
import { wireAnswer } from './wire';

export interface ProjectionInfo {
  name: string;
  version: number;
  checkpoint: string;
  lag: number;
  status: string;
  collections: string[];
  building: unknown;
}

/** A 200 answer, held to the wire contract and the declared schema (test/support/wire.ts). */
async function json<T>(baseUrl: string, path: string, res: Response): Promise<T> {
  if (!res.ok) throw new Error(`${res.status} ${await res.text()}`);
  return (await wireAnswer<T>(baseUrl, 'GET', path, res)).body;
}

export async function projections(baseUrl: string, opsToken: string): Promise<ProjectionInfo[]> {
  return (await json<{ items: ProjectionInfo[] }>(baseUrl, '/api/v2/ops/projections', await fetch(`${baseUrl}/api/v2/ops/projections`, { headers: { authorization: `Bearer ${opsToken}` } }))).items;
}

/** Wait until the log stops growing and every projection is live with no lag. */
export async function waitQuiet(baseUrl: string, opsToken: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastHead = '';
  let stableSince = Date.now();
  while (Date.now() < deadline) {
    const head = (await json<{ event_store: { head_position: string } }>(baseUrl, '/health', await fetch(`${baseUrl}/health`))).event_store.head_position;
    const ps = await projections(baseUrl, opsToken);
    if (head !== lastHead) {
      lastHead = head;
      stableSince = Date.now();
    } else if (Date.now() - stableSince > 1500 && ps.every((p) => p.lag === 0 && p.status === 'live' && !p.building)) {
      return;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('service did not become quiet');
}

/** Every document of every projection's live collections, read straight from the SQLite file. */
export function snapshotReadModels(dataDir: string, infos: readonly ProjectionInfo[]): Record<string, Record<string, unknown>> {
  const db = new Database(join(dataDir, 'flywheel.db'), { readonly: true, fileMustExist: true });
  try {
    const out: Record<string, Record<string, unknown>> = {};
    for (const p of infos) {
      for (const physical of p.collections) {
        const logical = physical.replace(/__v\d+_g\d+$/, '');
        const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(`rm_${physical}`);
        const rows = exists ? (db.prepare(`SELECT id, doc FROM rm_${physical} ORDER BY id`).all() as { id: string; doc: string }[]) : [];
        out[`${p.name}/${logical}`] = Object.fromEntries(
          rows.map((r) => {
            const { _lastPosition: _ignored, ...doc } = JSON.parse(r.doc) as Record<string, unknown>;
            return [r.id, doc];
          }),
        );
      }
    }
    return out;
  } finally {
    db.close();
  }
}

/** Rebuild every projection blue/green from position 0 and wait until each has switched. */
export async function rebuildAll(baseUrl: string, opsToken: string, timeoutMs = 120_000): Promise<void> {
  const before = await projections(baseUrl, opsToken);
  for (const p of before) {
    const res = await fetch(`${baseUrl}/api/v2/ops/projections/${p.name}/rebuild`, { method: 'POST', headers: { authorization: `Bearer ${opsToken}` } });
    if (res.status !== 202) throw new Error(`rebuild ${p.name}: ${res.status}`);
  }
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const now = await projections(baseUrl, opsToken);
    const switched = now.every((p) => {
      const old = before.find((b) => b.name === p.name);
      return !p.building && p.status === 'live' && JSON.stringify(p.collections) !== JSON.stringify(old?.collections);
    });
    if (switched) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('rebuilds did not finish');
}
