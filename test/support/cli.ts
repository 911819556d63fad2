import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Run the ops CLI as ops would (compiled when `npm run build` ran, else through ts-node).
 * Asynchronous on purpose: a test's in-process server must keep serving while the CLI runs.
 */
export function runCli(args: readonly string[], env: Record<string, string>, timeoutMs = 120_000): Promise<CliResult> {
  const compiled = join(ROOT, 'dist', 'src', 'cli.js');
  const argv = existsSync(compiled) ? [compiled, ...args] : ['-r', 'ts-node/register/transpile-only', join(ROOT, 'src', 'cli.ts'), ...args];
  return new Promise((resolve, reject) => {
    const child = spawn('node', argv, { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'silent', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
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
