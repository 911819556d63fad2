import { spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliRunOptions {
  /** Working directory of the CLI (default: the repository root). */
  readonly cwd?: string;
  /** Replace the environment instead of adding to it (to test configuration resolution). */
  readonly bareEnv?: boolean;
}

/**
 * Run the ops CLI as ops would: `npm run cli` runs bin/cli.js, which compiles once when the build
 * is missing or stale and then runs the compiled JavaScript.
 * Asynchronous on purpose: a test's in-process server must keep serving while the CLI runs.
 */
export function runCli(args: readonly string[], env: Record<string, string>, timeoutMs = 180_000, options: CliRunOptions = {}): Promise<CliResult> {
  const base: Record<string, string | undefined> = options.bareEnv ? { PATH: process.env.PATH, HOME: process.env.HOME } : { ...process.env, LOG_LEVEL: 'silent' };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'cli.js'), ...args], { cwd: options.cwd ?? ROOT, env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout, stderr });
    });
  });
}

/** The last stderr line parsed: every CLI failure is one JSON line there. */
export function cliError(result: CliResult): { error: { code: string; message: string } } {
  const lines = result.stderr.trim().split('\n').filter(Boolean);
  return JSON.parse(lines[lines.length - 1]) as { error: { code: string; message: string } };
}
