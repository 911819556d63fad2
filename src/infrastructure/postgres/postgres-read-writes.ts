import { Checkpoint, LAST_POSITION_FIELD, WriteOp } from '../../ports/read-store.port';

/** Rows per INSERT statement of a batch: bounded, so one statement never carries a whole rebuild. */
const CHUNK = 500;

/** One statement of a read-model batch; `fenced` ones write nothing (rowCount 0) unless the lease holds. */
export interface WriteStatement {
  readonly text: string;
  readonly values: unknown[];
  readonly fenced?: { readonly lease: string; readonly owner: string };
}

/**
 * The statements of a batch, in order: consecutive ops of one kind on one collection in bounded
 * statements (the last write of an id wins), then the checkpoint. A fenced checkpoint checks the
 * lease in its own statement, locking the lease row (FOR SHARE) until the transaction ends, so a
 * standby cannot take the lease between the check and the commit; when the check fails the
 * statement writes nothing and the caller rolls the whole batch back. A batch that writes each
 * table once, in one bounded statement, is one statement (see `combined`): atomic on its own.
 */
export function batchStatements(ops: readonly WriteOp[], checkpoint: Checkpoint | undefined, table: (collection: string) => string): WriteStatement[] {
  const batches = runs(ops);
  if (batches.length > 0 && combinable(batches, table)) return [combined(batches, checkpoint, table)];
  const out: WriteStatement[] = [];
  for (const run of batches) {
    const name = table(run[0].collection);
    for (let i = 0; i < run.length; i += CHUNK) {
      const chunk = dedupe(run.slice(i, i + CHUNK));
      if (chunk[0].kind === 'delete') {
        out.push({ text: `DELETE FROM ${name} WHERE id = ANY($1::text[])`, values: [chunk.map((o) => o.id)] });
        continue;
      }
      out.push({ text: upsert(name, '$1', '$2', ''), values: [chunk.map((o) => o.id), docsOf(chunk)] });
    }
  }
  if (checkpoint) out.push(checkpointStatement(checkpoint));
  return out;
}

/** Upserts of ids and documents (parameters `ids`, `docs`); `guard` a condition every row needs. */
function upsert(name: string, ids: string, docs: string, guard: string): string {
  return `INSERT INTO ${name} AS t (id, doc) SELECT * FROM unnest(${ids}::text[], ${docs}::jsonb[])${guard ? ` WHERE ${guard}` : ''}
         ON CONFLICT (id) DO UPDATE SET doc = excluded.doc
         WHERE excluded.doc -> '${LAST_POSITION_FIELD}' IS NULL OR t.doc -> '${LAST_POSITION_FIELD}' IS NULL
            OR (t.doc -> '${LAST_POSITION_FIELD}') < (excluded.doc -> '${LAST_POSITION_FIELD}')`;
}

function docsOf(chunk: readonly WriteOp[]): string[] {
  return chunk.map((o) => JSON.stringify(o.kind === 'upsert' ? o.doc : {}));
}

/**
 * One statement may write a batch when each table is written by one run of at most CHUNK ops:
 * the parts of one statement see one snapshot, so no two of them may touch one row.
 */
function combinable(batches: readonly WriteOp[][], table: (collection: string) => string): boolean {
  const tables = new Set<string>();
  for (const run of batches) {
    const name = table(run[0].collection);
    if (tables.has(name) || run.length > CHUNK) return false;
    tables.add(name);
  }
  return true;
}

/**
 * The whole batch as one statement (atomic without BEGIN and COMMIT: one round trip instead of
 * three or more): each run a data-modifying part, then the checkpoint. Fenced, every part writes
 * only while the lease holds (checked and locked FOR SHARE once, in the statement), and the
 * statement answers no row when it does not, so the caller reports the batch fenced.
 */
function combined(batches: readonly WriteOp[][], checkpoint: Checkpoint | undefined, table: (collection: string) => string): WriteStatement {
  const values: unknown[] = [];
  const param = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  const fence = checkpoint?.fence;
  const parts: string[] = [];
  if (fence) parts.push(fenceQuery(param(fence.lease), param(fence.owner), param(Date.now())));
  const guard = fence ? 'EXISTS (SELECT 1 FROM fence)' : '';
  batches.forEach((run, i) => {
    const name = table(run[0].collection);
    const chunk = dedupe(run);
    if (chunk[0].kind === 'delete') parts.push(`w${i} AS (DELETE FROM ${name} WHERE id = ANY(${param(chunk.map((o) => o.id))}::text[])${guard ? ` AND ${guard}` : ''})`);
    else parts.push(`w${i} AS (${upsert(name, param(chunk.map((o) => o.id)), param(docsOf(chunk)), guard)})`);
  });
  if (checkpoint) {
    parts.push(`cp AS (INSERT INTO checkpoints (name, position, updated_at) SELECT ${param(checkpoint.name)}, ${param(checkpoint.position)}, now()${fence ? ' FROM fence' : ''} ${UPSERT_CHECKPOINT})`);
  }
  return { text: `WITH ${parts.join(',\n  ')}\nSELECT 1${fence ? ' FROM fence' : ''}`, values, ...(fence ? { fenced: fence } : {}) };
}

const UPSERT_CHECKPOINT = 'ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at';

/** The lease check of a fenced write (parameters: lease, owner, now), its row locked until the transaction ends. */
function fenceQuery(lease: string, owner: string, now: string): string {
  return `fence AS (SELECT 1 FROM leases WHERE name = ${lease} AND owner = ${owner} AND expires_at > ${now} FOR SHARE)`;
}

function checkpointStatement(checkpoint: Checkpoint): WriteStatement {
  if (!checkpoint.fence) {
    return { text: `INSERT INTO checkpoints (name, position, updated_at) VALUES ($1, $2, now()) ${UPSERT_CHECKPOINT}`, values: [checkpoint.name, checkpoint.position] };
  }
  return {
    text: `WITH ${fenceQuery('$3', '$4', '$5')}
       INSERT INTO checkpoints (name, position, updated_at) SELECT $1, $2, now() FROM fence ${UPSERT_CHECKPOINT}`,
    values: [checkpoint.name, checkpoint.position, checkpoint.fence.lease, checkpoint.fence.owner, Date.now()],
    fenced: checkpoint.fence,
  };
}

function runs(ops: readonly WriteOp[]): WriteOp[][] {
  const out: WriteOp[][] = [];
  for (const op of ops) {
    const last = out[out.length - 1];
    if (last && last[0].collection === op.collection && last[0].kind === op.kind) last.push(op);
    else out.push([op]);
  }
  return out;
}

/**
 * One row per id in a statement (ON CONFLICT cannot touch a row twice): the later op wins, unless
 * both carry a last position and the later one is older (the guard applies inside a batch too).
 */
function dedupe(ops: readonly WriteOp[]): WriteOp[] {
  const byId = new Map<string, WriteOp>();
  for (const op of ops) {
    const earlier = byId.get(op.id);
    if (earlier && position(op) !== null && position(earlier) !== null && (position(op) as number) < (position(earlier) as number)) continue;
    byId.delete(op.id);
    byId.set(op.id, op);
  }
  return [...byId.values()];
}

function position(op: WriteOp): number | null {
  const value = op.kind === 'upsert' ? op.doc[LAST_POSITION_FIELD] : undefined;
  return typeof value === 'number' ? value : null;
}
