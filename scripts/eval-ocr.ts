/**
 * npm run eval:ocr -- <dir with truth.tsv> [more dirs] [--mode plate|meter] [--engine paddle|tesseract|ensemble|all]
 *                     [--folds 5] [--limit N] [--json] [--write-defaults] [--truth-fixes file.tsv]
 *                     [--plate-formats BR,IN,LLDDDD]
 *
 * Reads every photo listed in truth.tsv (NAME<TAB>TRUTH) with each engine, one photo at a time on
 * one core, and prints exact match, character error rate, AUROC of confidence for right vs wrong,
 * expected calibration error (k-fold: never on the photos a calibration was fitted on), ms per
 * image after warm-up and load time. Several dirs are read as one set; degraded copies
 * (`npm run degrade:ocr`) fold with their source photo. --write-defaults refits the shipped default calibrations
 * (src/domain/ocr-calibration/default-calibrations.data.json) on all the photos given.
 * --truth-fixes applies reviewed corrections of ground-truth labels (NAME<TAB>TRUTH<TAB>why) to a
 * photo and its degraded copies; the figures say how many labels were overridden.
 * --plate-formats measures a plate set with those formats configured, as a tenant would (the
 * capture's plate step applied to each reading's text and score); without it, the default: none.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { type CalibrationMap, applyCalibration, chooseCalibration, foldAssignment } from '../src/ml/calibration';
import { type OcrEvaluation, type OcrTrial, evaluateOcr, labeledScores, sourcePhoto } from '../src/ml/ocr-evaluation';
import type { DefaultCalibration } from '../src/domain/ocr-calibration/default-calibrations';
import { combineReadings } from '../src/infrastructure/ocr/ensemble-ocr.engine';
import type { OcrEngine, OcrEngineName, OcrMode, OcrResult } from '../src/ports/ocr-engine.port';
import { PaddleOcrEngine } from '../src/infrastructure/ocr/paddle/paddle-ocr.engine';
import { TesseractOcrEngine } from '../src/infrastructure/ocr/tesseract-ocr.engine';
import { configuredFormats, isPlateFormatName, resolvePlate } from '../src/domain/readings/plate-formats';

interface Args {
  dirs: string[];
  mode: OcrMode | null;
  engines: OcrEngineName[];
  folds: number;
  limit: number;
  json: boolean;
  writeDefaults: boolean;
  truthFixes: string | null;
  plateFormats: string[];
}

function parseArgs(argv: string[]): Args {
  const args: Args = { dirs: [], mode: null, engines: ['paddle', 'tesseract', 'ensemble'], folds: 5, limit: Infinity, json: false, writeDefaults: false, truthFixes: null, plateFormats: [] };
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--mode') {
      const m = value();
      if (m !== 'plate' && m !== 'meter') throw new Error('--mode must be plate or meter');
      args.mode = m;
    } else if (a === '--engine') {
      const e = value();
      if (e === 'all') args.engines = ['paddle', 'tesseract', 'ensemble'];
      else if (e === 'paddle' || e === 'tesseract' || e === 'ensemble') args.engines = e === 'ensemble' ? ['paddle', 'tesseract', 'ensemble'] : [e];
      else throw new Error('--engine must be paddle, tesseract, ensemble or all');
    } else if (a === '--folds') args.folds = Number(value());
    else if (a === '--limit') args.limit = Number(value());
    else if (a === '--json') args.json = true;
    else if (a === '--write-defaults') args.writeDefaults = true;
    else if (a === '--truth-fixes') args.truthFixes = value();
    else if (a === '--plate-formats') {
      args.plateFormats = value()
        .split(',')
        .map((f) => f.trim().toUpperCase())
        .filter((f) => f !== '');
      const unknown = args.plateFormats.filter((f) => !isPlateFormatName(f));
      if (unknown.length > 0) throw new Error(`--plate-formats: unknown ${unknown.join(', ')}`);
    }
    else if (a.startsWith('--')) throw new Error(`unknown option ${a}`);
    else args.dirs.push(a);
  }
  if (args.dirs.length === 0) throw new Error('usage: npm run eval:ocr -- <dir with truth.tsv> [--mode plate|meter] [--engine paddle|tesseract|ensemble|all]');
  if (!Number.isInteger(args.folds) || args.folds < 2) throw new Error('--folds must be an integer >= 2');
  return args;
}

interface Photo {
  readonly dir: string;
  readonly file: string;
  readonly name: string;
  readonly truth: string;
}

async function readTruth(dir: string, limit: number): Promise<Photo[]> {
  const text = await fs.readFile(path.join(dir, 'truth.tsv'), 'utf8');
  const rows = text
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => {
      const [name, truth] = l.split('\t');
      return { dir, file: path.join(dir, name.trim()), name: name.trim(), truth: (truth ?? '').trim().toUpperCase().replace(/\s+/g, '') };
    });
  return rows.slice(0, limit);
}

function inferMode(dir: string, truths: readonly string[]): OcrMode {
  if (/plate/i.test(path.basename(dir))) return 'plate';
  if (/meter|digit/i.test(path.basename(dir))) return 'meter';
  return truths.some((t) => /[A-Z]/.test(t)) ? 'plate' : 'meter';
}

interface EngineRun {
  readonly name: OcrEngineName;
  readonly engine: string;
  readonly loadMs: number;
  readonly trials: OcrTrial[];
  readonly results: OcrResult[];
}

async function run(name: 'paddle' | 'tesseract', mode: OcrMode, rows: readonly Photo[], plateFormats: readonly string[]): Promise<EngineRun> {
  const formats = configuredFormats(plateFormats);
  const engine: OcrEngine = name === 'paddle' ? new PaddleOcrEngine({ threads: 1 }) : new TesseractOcrEngine({ poolSize: 1 });
  const t0 = performance.now();
  await engine.start();
  const loadMs = performance.now() - t0;
  try {
    const photos = await Promise.all(rows.map((r) => fs.readFile(r.file)));
    // Warm-up: the first runs allocate arenas and JIT the pre/post-processing.
    for (const photo of photos.slice(0, 3)) await engine.recognize(photo, mode);
    const trials: OcrTrial[] = [];
    const results: OcrResult[] = [];
    for (let i = 0; i < rows.length; i += 1) {
      const start = performance.now();
      const read = await engine.recognize(photos[i], mode);
      const resolved = mode === 'plate' ? resolvePlate(read.text, read.score, formats) : null;
      const result = resolved === null ? read : { ...read, text: resolved.text, score: resolved.confidence };
      trials.push({ name: rows[i].name, truth: rows[i].truth, text: result.text, score: result.score, ms: performance.now() - start, group: sourcePhoto(rows[i].name) });
      results.push(result);
    }
    return { name, engine: results[0]?.engine ?? name, loadMs, trials, results };
  } finally {
    await engine.stop();
  }
}

function calibrated(result: OcrResult, map: CalibrationMap): OcrResult {
  return { ...result, confidence: result.text === '' ? 0 : applyCalibration(map, result.score) };
}

/** Ensemble trials; each photo's component confidences come from calibrations fitted without its fold. */
function ensembleTrials(paddle: EngineRun, tesseract: EngineRun, mode: OcrMode, folds: number | null): OcrTrial[] {
  const foldOf = folds === null ? null : foldAssignment(labeledScores(paddle.trials), folds, paddle.trials.map((t) => t.group ?? t.name));
  const k = foldOf === null ? 1 : Math.max(...foldOf) + 1;
  const out: OcrTrial[] = [];
  const maps = Array.from({ length: k }, (_, f) => {
    const keep = (_: unknown, i: number) => foldOf === null || foldOf[i] !== f;
    const fit = (r: EngineRun) => {
      const samples = labeledScores(r.trials).filter(keep);
      return chooseCalibration(samples, 5).map;
    };
    return { paddle: fit(paddle), tesseract: fit(tesseract) };
  });
  paddle.trials.forEach((t, i) => {
    const m = maps[foldOf === null ? 0 : foldOf[i]];
    const combined = combineReadings(calibrated(paddle.results[i], m.paddle), calibrated(tesseract.results[i], m.tesseract), mode);
    // One core: the two engines' times add up.
    out.push({ name: t.name, truth: t.truth, text: combined.text, score: combined.score, ms: t.ms + tesseract.trials[i].ms, group: t.group });
  });
  return out;
}

function pct(x: number | null): string {
  return x === null ? 'n/a' : `${(100 * x).toFixed(1)}%`;
}

function num(x: number | null, digits = 3): string {
  return x === null ? 'n/a' : x.toFixed(digits);
}

function row(name: string, e: OcrEvaluation, loadMs: number | null): string[] {
  return [
    name,
    `${e.exact}/${e.photos} (${pct(e.exactRate)})`,
    num(e.cer),
    num(e.scoreAuroc),
    num(e.calibrated.auroc),
    num(e.calibrated.ece),
    e.calibrated.method,
    pct(e.misreadsConfident),
    pct(e.rightUnconfident),
    pct(e.precisionAboveThreshold),
    e.msMedian.toFixed(1),
    e.msMean.toFixed(1),
    loadMs === null ? '-' : loadMs.toFixed(0),
  ];
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c])).join('  ')).join('\n');
}

function defaultEntry(engine: OcrEngineName, engineVersion: string, mode: OcrMode, trials: readonly OcrTrial[], e: OcrEvaluation, folds: number): DefaultCalibration {
  const samples = labeledScores(trials);
  const choice = chooseCalibration(samples, folds, trials.map((t) => t.group ?? t.name));
  // A set of single characters (meter digit rolls) calibrates characters, not readings.
  const unit = trials.every((t) => t.truth.length === 1) ? 'character' : 'reading';
  const map = { ...choice.map, unit } as CalibrationMap;
  const digest = createHash('sha256').update(JSON.stringify({ engine, engineVersion, mode, map })).digest('hex').slice(0, 12);
  return {
    calibrationId: `dev-${engine}-${mode}-${digest}`,
    engine,
    engineVersion,
    mode,
    method: choice.method,
    map,
    sampleCount: samples.length,
    positives: samples.filter((s) => s.correct === 1).length,
    crossValidated: {
      ece: Number(e.calibrated.ece.toFixed(4)),
      auroc: e.calibrated.auroc === null ? null : Number(e.calibrated.auroc.toFixed(4)),
      folds,
      logLoss: Number(choice.crossValidated.logLoss.toFixed(5)),
    },
    samples: samples.map((s) => ({ score: Number(s.score.toFixed(5)), correct: s.correct })),
  };
}

async function writeDefaults(entries: DefaultCalibration[], source: string): Promise<string> {
  const file = path.join(__dirname, '..', 'src', 'domain', 'ocr-calibration', 'default-calibrations.data.json');
  const current = JSON.parse(await fs.readFile(file, 'utf8')) as { calibrations: DefaultCalibration[]; sources?: Record<string, string> };
  const kept = current.calibrations.filter((c) => !entries.some((e) => e.engine === c.engine && e.mode === c.mode));
  const sources = { ...(current.sources ?? {}), [entries[0].mode]: source };
  const calibrations = [...kept, ...entries].sort((a, b) => `${a.engine}/${a.mode}`.localeCompare(`${b.engine}/${b.mode}`));
  const body = { version: 1, source: Object.entries(sources).map(([m, s]) => `${m}: ${s}`).join('; '), sources, calibrations };
  await fs.writeFile(file, `${JSON.stringify(body, null, 1)}\n`);
  return file;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  let rows = (await Promise.all(args.dirs.map((d) => readTruth(d, args.limit)))).flat();
  let fixed = 0;
  if (args.truthFixes) {
    const fixes = new Map(
      (await fs.readFile(args.truthFixes, 'utf8'))
        .split(/\r?\n/)
        .filter((l) => l.trim() !== '' && !l.startsWith('#'))
        .map((l) => l.split('\t'))
        .map(([name, truth]) => [sourcePhoto(name.trim()), truth.trim().toUpperCase()] as const),
    );
    rows = rows.map((r) => {
      const truth = fixes.get(sourcePhoto(r.name));
      if (truth === undefined || truth === r.truth) return r;
      fixed += 1;
      return { ...r, truth };
    });
  }
  const label = args.dirs.join(' + ');
  const mode = args.mode ?? inferMode(args.dirs[0], rows.map((r) => r.truth));
  const runs: EngineRun[] = [];
  for (const name of ['paddle', 'tesseract'] as const) if (args.engines.includes(name)) runs.push(await run(name, mode, rows, args.plateFormats));
  const evaluations: Array<{ name: OcrEngineName; engine: string; trials: OcrTrial[]; evaluation: OcrEvaluation; loadMs: number | null }> = runs.map((r) => ({
    name: r.name,
    engine: r.engine,
    trials: r.trials,
    evaluation: evaluateOcr(r.trials, args.folds),
    loadMs: r.loadMs,
  }));
  const paddle = runs.find((r) => r.name === 'paddle');
  const tesseract = runs.find((r) => r.name === 'tesseract');
  if (args.engines.includes('ensemble') && paddle && tesseract) {
    const trials = ensembleTrials(paddle, tesseract, mode, args.folds);
    evaluations.push({ name: 'ensemble', engine: combineReadings(paddle.results[0], tesseract.results[0], mode).engine, trials, evaluation: evaluateOcr(trials, args.folds), loadMs: null });
  }
  if (args.json) {
    // Misreads, and right reads below 0.7, with their out-of-fold calibrated confidence (what the capture rule would have seen).
    const withConfidence = (trials: readonly OcrTrial[]) => {
      const outOfFold = chooseCalibration(labeledScores(trials), args.folds, trials.map((t) => t.group ?? t.name)).outOfFold;
      return trials.map((t, i) => ({ ...t, confidence: Number(outOfFold[i].toFixed(4)) }));
    };
    const lists = (trials: readonly OcrTrial[]) => {
      const all = withConfidence(trials);
      return { wrong: all.filter((t) => t.text !== t.truth), rightUnconfident: all.filter((t) => t.text === t.truth && t.confidence < 0.7), trials: all };
    };
    console.log(JSON.stringify({ dirs: args.dirs, mode, photos: rows.length, engines: evaluations.map(({ trials, ...e }) => ({ ...e, ...lists(trials) })) }, null, 2));
  } else {
    console.log(`${label}: ${rows.length} photos, mode ${mode}, ${args.folds}-fold calibration, one photo at a time, 1 thread per engine`);
    if (mode === 'plate') console.log(`plate formats: ${args.plateFormats.length === 0 ? 'none (default)' : args.plateFormats.join(', ')}`);
    if (args.truthFixes) console.log(`${fixed} labels overridden by ${args.truthFixes}`);
    const header = ['engine', 'exact', 'CER', 'AUROC(score)', 'AUROC(cal,cv)', 'ECE(cal,cv)', 'method', 'misreads>=0.7', 'right<0.7', 'right|>=0.7', 'ms p50', 'ms mean', 'load ms'];
    console.log(table([header, ...evaluations.map((e) => row(e.name, e.evaluation, e.loadMs))]));
    if (args.dirs.length > 1) {
      // The same out-of-fold calibrations, read on each set alone.
      for (const dir of args.dirs) {
        const names = new Set(rows.filter((r) => r.dir === dir).map((r) => r.name));
        console.log(`\n${dir} alone (${names.size} photos; calibrations fitted out of fold on all ${rows.length}):`);
        const subset = evaluations.map((e) => row(e.name, evaluateOcr(e.trials, args.folds, 0.7, (t) => names.has(t.name)), e.loadMs));
        console.log(table([header, ...subset]));
      }
    }
  }
  if (args.writeDefaults) {
    const entries: DefaultCalibration[] = [];
    for (const e of evaluations) {
      // The shipped ensemble default combines the shipped (all-photo) component calibrations.
      const trials = e.name === 'ensemble' && paddle && tesseract ? ensembleTrials(paddle, tesseract, mode, null) : e.trials;
      entries.push(defaultEntry(e.name, e.engine, mode, trials, e.evaluation, args.folds));
    }
    const file = await writeDefaults(entries, `${args.dirs.map((d) => path.basename(path.resolve(d))).join(' + ')} (${rows.length} photos${fixed > 0 ? `, ${fixed} labels fixed` : ''})`);
    console.log(`wrote ${entries.length} default calibrations for ${mode} to ${path.relative(process.cwd(), file)}`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
