import { AppendClaim } from '../ports/event-store.port';

/**
 * The read store's tables, where an append's claims go (each created when first used): an event
 * store that shares its database with the read store writes them in the append's transaction.
 */
export interface ClaimTables {
  tableFor(collection: string): Promise<string>;
}

/** A claim as the row it writes: its collection's table, its id and its document's JSON. */
export interface ClaimRow {
  readonly collection: string;
  readonly table: string;
  readonly id: string;
  readonly doc: string;
}

/** An event store's side of claims: whether it writes them, and as which rows. */
export class Claims {
  private tables: ClaimTables | null = null;

  /** Claims go to these tables, in the append's transaction. */
  writeTo(tables: ClaimTables): void {
    this.tables = tables;
  }

  get written(): boolean {
    return this.tables !== null;
  }

  /** The rows of an append's claims; undefined when it has none. */
  async rows(claims: readonly AppendClaim[] | undefined): Promise<ClaimRow[] | undefined> {
    if (!claims || claims.length === 0) return undefined;
    const tables = this.tables;
    if (!tables) throw new Error('this event store writes no claims: give it the read store of its database (writeClaimsTo)');
    return Promise.all(claims.map(async (c) => ({ collection: c.collection, table: await tables.tableFor(c.collection), id: c.id, doc: JSON.stringify(c.doc) })));
  }
}
