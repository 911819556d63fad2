import { NewEvent } from '../../domain/shared/events';

/** What the main thread asks the writer thread to do; each runs in its own savepoint of a group. */
export type WriterOp =
  | {
      readonly kind: 'append';
      readonly stream: string;
      readonly events: readonly NewEvent[];
      readonly expected: 'no_stream' | 'any' | number;
      /** Documents inserted in the append's savepoint unless stored already (a different one fails it: CLAIM_TAKEN). */
      readonly claims?: readonly InsertRow[];
    }
  | { readonly kind: 'exec'; readonly sql: string }
  | {
      readonly kind: 'run';
      readonly statements: readonly { readonly sql: string; readonly params: readonly (string | number | null)[] }[];
      /** Run only while `owner` holds the unexpired lease `lease` (checked in the same savepoint). */
      readonly fence?: { readonly lease: string; readonly owner: string };
    }
  | { readonly kind: 'lease'; readonly name: string; readonly owner: string; readonly ttlMs: number }
  /** Insert the row unless its id is taken; answers the stored document's JSON then, else null. */
  | ({ readonly kind: 'insertIfAbsent' } & InsertRow);

/** A document row of a read-model table: its table, id and JSON. */
export interface InsertRow {
  readonly table: string;
  readonly id: string;
  readonly doc: string;
}

export interface WriterRequest {
  readonly id: number;
  readonly op: WriterOp;
}

export type WriterError =
  | { readonly kind: 'concurrency'; readonly stream: string; readonly expected: string; readonly actual: string }
  /** `id`: the claim a CLAIM_TAKEN error names. */
  | { readonly kind: 'error'; readonly message: string; readonly code?: string; readonly id?: string };

export type WriterReply = { readonly id: number; readonly ok: true; readonly value: unknown } | { readonly id: number; readonly ok: false; readonly error: WriterError };

/** One committed (or failed) group: every reply is sent only after COMMIT returned. */
export interface WriterGroupMessage {
  readonly kind: 'group';
  readonly replies: readonly WriterReply[];
  readonly threadId: number;
}

export interface WriterInit {
  readonly file: string;
  readonly synchronous: 'FULL' | 'NORMAL';
  /** Most operations committed in one transaction; the rest wait for the next group. */
  readonly maxGroup: number;
  /**
   * Milliseconds between the checkpointer thread's checkpoints (default CHECKPOINT_INTERVAL_MS);
   * 0 leaves checkpoints to the writer's own commits, as SQLite does by default.
   */
  readonly checkpointMs?: number;
}

/**
 * The pages of WAL past which the writer's own commit checkpoints after all: only when the
 * checkpointer thread has fallen this far behind (about 40 MB), so the WAL never grows unbounded.
 */
export const WRITER_CHECKPOINT_BACKSTOP = 10_000;
