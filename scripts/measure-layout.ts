/**
 * Layout figures: imports that run against the direction (dependency-cruiser with the project's
 * rule, known exceptions included), the longest files and functions, and lines of code, for src/
 * and console/src/. Run: node -r ts-node/register/transpile-only scripts/measure-layout.ts
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as ts from 'typescript';

interface FileFigure { path: string; lines: number }
interface FunctionFigure { path: string; name: string; lines: number }

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry) && !/\.(spec|test)\.tsx?$/.test(entry) ? [path] : [];
  });
}

function functionName(node: ts.Node): string {
  const named = node as ts.Node & { name?: ts.Node };
  if (named.name && ts.isIdentifier(named.name)) return named.name.text;
  if (ts.isVariableDeclaration(node.parent) && ts.isIdentifier(node.parent.name)) return node.parent.name.text;
  if (ts.isPropertyAssignment(node.parent) && ts.isIdentifier(node.parent.name)) return node.parent.name.text;
  return '(anonymous)';
}

function functions(path: string): FunctionFigure[] {
  const text = readFileSync(path, 'utf8');
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const found: FunctionFigure[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      found.push({ path, name: functionName(node), lines: end - start + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function lines(path: string): number {
  return readFileSync(path, 'utf8').split('\n').filter((line) => line.trim() !== '').length;
}

function violations(): number {
  // Counts every violation, the known exceptions too (no --ignore-known): the figure to drive to 0.
  let out: string;
  try {
    out = execFileSync('npx', ['depcruise', 'src', '--config', '.dependency-cruiser.cjs', '--output-type', 'json'], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    out = (error as { stdout: string }).stdout;
  }
  const result = JSON.parse(out) as { summary: { violations: { rule: { name: string } }[] } };
  const byRule = new Map<string, number>();
  for (const v of result.summary.violations) byRule.set(v.rule.name, (byRule.get(v.rule.name) ?? 0) + 1);
  for (const [rule, count] of [...byRule].sort((a, b) => b[1] - a[1])) console.log(`  ${rule}: ${count}`);
  return result.summary.violations.length;
}

function report(root: string, top: number): void {
  const files = sourceFiles(root);
  const figures: FileFigure[] = files.map((path) => ({ path, lines: readFileSync(path, 'utf8').split('\n').length }));
  const fns = files.flatMap(functions).sort((a, b) => b.lines - a.lines);
  figures.sort((a, b) => b.lines - a.lines);
  console.log(`${root}: ${files.length} files, ${files.reduce((n, f) => n + lines(f), 0)} non-blank lines (specs excluded)`);
  console.log(`  files over 250 lines: ${figures.filter((f) => f.lines > 250).length}; functions over 60 lines: ${fns.filter((f) => f.lines > 60).length}`);
  for (const f of figures.slice(0, top)) console.log(`  file ${f.lines} ${f.path}`);
  for (const f of fns.slice(0, top)) console.log(`  function ${f.lines} ${f.name} (${f.path})`);
}

console.log('imports against the direction:');
console.log(`  total: ${violations()}`);
report('src', 5);
report('console/src', 5);
