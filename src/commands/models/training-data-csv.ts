import { BinaryLabel } from '../../ml/metrics';
import { CONFLICT_FEATURE_NAMES } from '../../ml/conflict-features';
import { SplitRow } from '../../ml/train-conflict-model';

/** The contract header of GET /api/v2/ml/models/:version/training-data. */
export const TRAINING_DATA_HEADER = ['sync_id', 'synced_at', ...CONFLICT_FEATURE_NAMES, 'label', 'split'] as const;

function cell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Numbers are written with full precision (shortest round-trip), so the CSV reproduces training exactly. */
export function trainingRowsToCsv(rows: readonly SplitRow[]): string {
  const lines = [TRAINING_DATA_HEADER.join(',')];
  for (const r of rows) lines.push([cell(r.syncId), cell(r.syncedAt), ...r.features.map(String), String(r.label), r.split].join(','));
  return `${lines.join('\n')}\n`;
}

function splitLine(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let value = '';
      i++;
      while (i < line.length) {
        if (line[i] === '"' && line[i + 1] === '"') {
          value += '"';
          i += 2;
        } else if (line[i] === '"') {
          i++;
          break;
        } else value += line[i++];
      }
      out.push(value);
      i++;
    } else {
      const end = line.indexOf(',', i);
      const stop = end === -1 ? line.length : end;
      out.push(line.slice(i, stop));
      i = stop + 1;
    }
  }
  return out;
}

/** Reads back what `trainingRowsToCsv` wrote (sync ids and times never hold line breaks). */
export function parseTrainingCsv(csv: string): SplitRow[] {
  const lines = csv.split('\n').filter((l) => l.length > 0);
  if (lines[0] !== TRAINING_DATA_HEADER.join(',')) throw new Error('training data CSV has an unexpected header');
  const width = CONFLICT_FEATURE_NAMES.length;
  return lines.slice(1).map((line) => {
    const cells = splitLine(line);
    const label = Number(cells[2 + width]);
    const split = cells[3 + width];
    if (label !== 0 && label !== 1) throw new Error(`bad label in training data: ${line}`);
    if (split !== 'train' && split !== 'test') throw new Error(`bad split in training data: ${line}`);
    return { syncId: cells[0], syncedAt: cells[1], features: cells.slice(2, 2 + width).map(Number), label: label as BinaryLabel, split };
  });
}
