import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BenchRow } from './support';

/**
 * `npm run bench [-- name ...]`: runs every bench/*.bench.ts (or the named ones) and prints one
 * table. Figures are medians and ratios: these machines are shared and noisy.
 */
async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const files = readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
    .sort();
  const rows: BenchRow[] = [];
  for (const file of files) {
    process.stderr.write(`running ${file} ...\n`);
    const started = Date.now();
    const mod = (await import(join(__dirname, file))) as { default: () => Promise<BenchRow[]> };
    try {
      rows.push(...(await mod.default()));
    } catch (error) {
      rows.push({ suite: file, metric: 'FAILED', value: 0, unit: '', note: error instanceof Error ? error.message : String(error) });
    }
    process.stderr.write(`  done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  }
  const header = ['suite', 'metric', 'value', 'unit', 'note'];
  const table = [header, ...rows.map((r) => [r.suite, r.metric, r.value.toLocaleString('en-US'), r.unit, r.note ?? ''])];
  const widths = header.map((_, i) => Math.max(...table.map((row) => row[i].length)));
  const line = (row: string[]) => `| ${row.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  process.stdout.write(`${line(header)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|\n${table.slice(1).map(line).join('\n')}\n`);
  mkdirSync(join(__dirname, '..', 'artifacts'), { recursive: true });
  writeFileSync(join(__dirname, '..', 'artifacts', 'bench.json'), JSON.stringify({ at: new Date().toISOString(), rows }, null, 2));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
