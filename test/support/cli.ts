import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** Run the ops CLI as ops would (compiled when `npm run build` ran, else through ts-node). */
export function runCli(args: readonly string[], env: Record<string, string>): { code: number; stdout: string; stderr: string } {
  const compiled = join(ROOT, 'dist', 'src', 'cli.js');
  const argv = existsSync(compiled) ? [compiled, ...args] : ['-r', 'ts-node/register/transpile-only', join(ROOT, 'src', 'cli.ts'), ...args];
  try {
    const stdout = execFileSync('node', argv, { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'silent', ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return { code: 0, stdout, stderr: '' };
  } catch (error) {
    const e = error as { status: number | null; stdout: string; stderr: string };
    return { code: e.status ?? 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}
