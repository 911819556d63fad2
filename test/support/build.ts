import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (/\.(ts|json)$/.test(entry.name) && !entry.name.endsWith('.spec.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * The compiled server of a checkout, built first when missing or older than a source file: a
 * child server started from a stale build would test yesterday's code (as bin/cli.js, same rule).
 */
export function ensureBuilt(root: string): string {
  const entry = join(root, 'dist', 'src', 'main.js');
  if (existsSync(entry) && newestSource(join(root, 'src')) <= statSync(entry).mtimeMs) return entry;
  const tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
  const built = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { cwd: root, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`tsc -p tsconfig.build.json failed in ${root}:\n${built.stdout}${built.stderr}`);
  return entry;
}
