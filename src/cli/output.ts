import { DomainError } from '../domain/shared/errors';

/** CLI output: machine-readable JSON lines on stdout, human progress on stderr. */
export function jsonLine(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

export function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}

/** Exit codes scripts and cron jobs rely on (documented in the README). */
export const EXIT = { ok: 0, refused: 1, usage: 2, integrity: 3, storeUnreachable: 4 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** One JSON line on stderr, so a script can parse the failure as well as test the exit code. */
export function errorLine(code: string, message: string, details?: Record<string, unknown>): void {
  process.stderr.write(`${JSON.stringify({ error: { code, message, ...(details ? { details } : {}) } })}\n`);
}

const CODE_NAMES: Record<ExitCode, string> = { 0: 'ok', 1: 'refused', 2: 'usage', 3: 'integrity', 4: 'store_unreachable' };

/** A failure with its exit code, thrown (not exited) so `finally` blocks still clean up. */
export class CliFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    readonly code: string = CODE_NAMES[exitCode],
  ) {
    super(message);
  }
}

export function fail(message: string, exitCode: ExitCode = EXIT.refused, code: string = CODE_NAMES[exitCode]): never {
  errorLine(code, message);
  process.exit(exitCode);
}

// Errors a store raises when it cannot be opened or reached (file system, SQLite, network drivers).
const UNREACHABLE_CODES = new Set(['ENOTDIR', 'EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'EAI_AGAIN', 'SQLITE_CANTOPEN', 'SQLITE_NOTADB', 'SQLITE_READONLY', 'SQLITE_FULL', 'SQLITE_IOERR']);
const UNREACHABLE_NAMES = /^(MongoServerSelectionError|MongoNetworkError|MongoNetworkTimeoutError|UnavailableError|DeadlineExceededError)$/;

function storeUnreachable(error: Error): boolean {
  const code = (error as { code?: unknown }).code;
  return (typeof code === 'string' && (UNREACHABLE_CODES.has(code) || code.startsWith('SQLITE_IOERR'))) || UNREACHABLE_NAMES.test(error.name);
}

/** Maps any failure to its exit code and error code: the one place the CLI decides them. */
export function classify(error: unknown): { exitCode: ExitCode; code: string; message: string; details?: Record<string, unknown> } {
  if (error instanceof CliFailure) return { exitCode: error.exitCode, code: error.code, message: error.message };
  if (error instanceof DomainError) {
    if (error.kind === 'validation') return { exitCode: EXIT.usage, code: 'usage', message: error.message, details: error.details };
    if (error.kind === 'unavailable') return { exitCode: EXIT.storeUnreachable, code: 'store_unreachable', message: error.message };
    return { exitCode: EXIT.refused, code: error.kind, message: error.message, details: error.details };
  }
  if (error instanceof Error) {
    if (storeUnreachable(error)) return { exitCode: EXIT.storeUnreachable, code: 'store_unreachable', message: error.message };
    return { exitCode: EXIT.refused, code: 'failed', message: error.message };
  }
  return { exitCode: EXIT.refused, code: 'failed', message: String(error) };
}

export function failWith(error: unknown): never {
  const c = classify(error);
  errorLine(c.code, c.message, c.details);
  process.exit(c.exitCode);
}
