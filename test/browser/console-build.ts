import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

/**
 * The console the service serves (console/dist), built first when missing or older than a console
 * source: a browser test against a stale bundle would check yesterday's pages.
 */
export function ensureConsoleBuilt(root: string): void {
  const index = join(root, 'console', 'dist', 'index.html');
  const sources = Math.max(newest(join(root, 'console', 'src')), statSync(join(root, 'console', 'index.html')).mtimeMs);
  if (existsSync(index) && sources <= statSync(index).mtimeMs) return;
  execSync('npm run build:console', { cwd: root, stdio: 'inherit' });
}
