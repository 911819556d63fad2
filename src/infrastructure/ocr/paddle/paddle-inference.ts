import * as ort from 'onnxruntime-node';
import type { OcrMode } from '../../../ports/ocr-engine.port';
import { type CtcAlphabet, buildCtcAlphabet, decodeConstrained } from './ctc-decoder';
import { type DbOptions, type TextBox, detectTextBoxes } from './db-postprocess';
import { offColourCharacters } from './ink-colour';
import { type PaddleModelFiles, readDictionary } from './paddle-models';
import { type Region, type RgbImage, toNormalisedBgrTensor } from './rgb-image';
import { endEvidence, endRooms } from './text-rows';

/** The two onnxruntime sessions of PP-OCRv4 and each mode's recognition alphabet. */
export interface Sessions {
  readonly detection: ort.InferenceSession;
  readonly recognition: ort.InferenceSession;
  readonly alphabets: Readonly<Record<OcrMode, CtcAlphabet>>;
}

const ALPHABET: Readonly<Record<OcrMode, { allowed: string; silent: string }>> = {
  meter: { allowed: '0123456789.', silent: '' },
  // Separators on plates ("AYO-9034", "AB·123·CD") are read, then emit nothing.
  plate: { allowed: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', silent: "-.·:' •_" },
};
const DET_MEAN = [0.485, 0.456, 0.406] as const;
const DET_STD = [0.229, 0.224, 0.225] as const;
const REC_MEAN = [0.5, 0.5, 0.5] as const;
const REC_STD = [0.5, 0.5, 0.5] as const;
const REC_HEIGHT = 48;
/** Narrower crops are padded to this width: PaddleOCR pads to 320, which costs 3x more for the same text. */
const REC_MIN_WIDTH = 64;

/** Loads the detector and the recogniser; `threads` is onnxruntime's intra-op threads per session. */
export async function loadSessions(files: PaddleModelFiles, threads: number): Promise<Sessions> {
  const dictionary = await readDictionary(files.dictionary);
  const options: ort.InferenceSession.SessionOptions = {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  };
  const [detection, recognition] = await Promise.all([
    ort.InferenceSession.create(files.detection, options),
    ort.InferenceSession.create(files.recognition, options),
  ]);
  const alphabets = {
    meter: buildCtcAlphabet(dictionary, ALPHABET.meter.allowed, ALPHABET.meter.silent),
    plate: buildCtcAlphabet(dictionary, ALPHABET.plate.allowed, ALPHABET.plate.silent),
  };
  return { detection, recognition, alphabets };
}

/** DB text detection with the photo's longer side scaled to `side` (never up by more than `maxUpscale`): boxes in source pixels. */
export async function detectText(sessions: Sessions, rgb: RgbImage, side: number, maxUpscale: number, db: DbOptions): Promise<TextBox[]> {
  const scale = Math.min(maxUpscale, side / Math.max(rgb.width, rgb.height));
  const width = Math.max(32, Math.round((rgb.width * scale) / 32) * 32);
  const height = Math.max(32, Math.round((rgb.height * scale) / 32) * 32);
  const input = toNormalisedBgrTensor(rgb, { x: 0, y: 0, width: rgb.width, height: rgb.height }, width, height, DET_MEAN, DET_STD);
  const output = await sessions.detection.run({ [sessions.detection.inputNames[0]]: new ort.Tensor('float32', input, [1, 3, height, width]) });
  const map = output[sessions.detection.outputNames[0]].data as Float32Array;
  const sx = rgb.width / width;
  const sy = rgb.height / height;
  return detectTextBoxes(map, width, height, db).map((b) => {
    const x = Math.max(0, Math.floor(b.x * sx));
    const y = Math.max(0, Math.floor(b.y * sy));
    return {
      ...b,
      x,
      y,
      width: Math.max(1, Math.min(rgb.width - x, Math.ceil(b.width * sx))),
      height: Math.max(1, Math.min(rgb.height - y, Math.ceil(b.height * sy))),
    };
  });
}

/**
 * CTC recognition of one region, constrained to the mode's alphabet, its width capped at
 * `maxWidth` (`widthScale` stretches the region's width, and the cap, before recognition).
 */
export async function recognizeRegion(sessions: Sessions, rgb: RgbImage, region: Region, mode: OcrMode, maxWidth: number, widthScale = 1) {
  const cap = Math.round(maxWidth * widthScale);
  const width = Math.min(cap, Math.max(8, Math.ceil((widthScale * REC_HEIGHT * region.width) / region.height)));
  const tensorWidth = Math.max(REC_MIN_WIDTH, width);
  // Padding is 0 after normalisation (mid grey), as in PaddleOCR's resize_norm_img.
  const input = new Float32Array(3 * REC_HEIGHT * tensorWidth);
  toNormalisedBgrTensor(rgb, region, width, REC_HEIGHT, REC_MEAN, REC_STD, input, tensorWidth);
  const output = await sessions.recognition.run({ [sessions.recognition.inputNames[0]]: new ort.Tensor('float32', input, [1, 3, REC_HEIGHT, tensorWidth]) });
  const tensor = output[sessions.recognition.outputNames[0]];
  const steps = Number(tensor.dims[1]);
  const characters = decodeConstrained(tensor.data as Float32Array, steps, sessions.alphabets[mode]).characters;
  if (mode !== 'plate') return { characters, dropped: 0, endRoom: Number.POSITIVE_INFINITY, cutStroke: false, centres: [] as number[] };
  // Each step covers an equal slice of the tensor; the region was resized to `width` of it.
  const toSource = (region.width / width) * (tensorWidth / steps);
  const centres = characters.map((c) => region.x + (c.step + 0.5) * toSource);
  const offColour = offColourCharacters(rgb, region, centres);
  const kept = characters.filter((_, i) => !offColour[i]);
  const ends = endEvidence(kept, endRooms(kept, (width / tensorWidth) * steps));
  return { characters: kept, dropped: offColour.filter(Boolean).length, ...ends, centres: centres.filter((_, i) => !offColour[i]) };
}
