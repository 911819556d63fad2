/**
 * The read store's tables, where an append's claims go (each created when first used): an event
 * store that shares its database with the read store writes them in the append's transaction.
 */
export interface ClaimTables {
  tableFor(collection: string): Promise<string>;
}
