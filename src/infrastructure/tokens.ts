/** Injection tokens of infrastructure that is not itself a port. */
export const SQLITE = Symbol('SQLITE');
/** The process's one SQLite writer thread (null when no SQLite store is in use). */
export const SQLITE_WRITER = Symbol('SQLITE_WRITER');
/** The PostgreSQL pool when DATABASE_URL is set, else null. */
export const POSTGRES = Symbol('POSTGRES');
