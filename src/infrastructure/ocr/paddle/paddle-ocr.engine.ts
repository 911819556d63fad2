import * as ort from 'onnxruntime-node';
import { UnavailableError } from '../../../domain/shared/errors';
import { withTimeout } from '../with-timeout';
import type { OcrEngine, OcrMode, OcrResult } from '../../../ports/ocr-engine.port';
import { KNOWN_PLATE_LAYOUTS } from '../../../domain/readings/plate-formats';
import { mixesLettersAndDigits, parseMeterValue, plateShape } from '../../../domain/readings/reading-format';
import { type CtcAlphabet, buildCtcAlphabet, decodeConstrained } from './ctc-decoder';
import { DEFAULT_DB_OPTIONS, type DbOptions, type TextBox, detectTextBoxes } from './db-postprocess';
import { offColourCharacters } from './ink-colour';
import { type ChosenLine, type LineCandidate, STACKED_HEIGHT_RATIO, chooseMeterLine, choosePlateLine } from './line-choice';
import { PADDLE_MODEL_VERSION, type PaddleModelFiles, defaultPaddleModelFiles, readDictionary } from './paddle-models';
import { paddleScore } from './paddle-score';
import { type Region, type RgbImage, decodeRgb, toNormalisedBgrTensor } from './rgb-image';

/** How one mode is read; the defaults were measured on ../shared/ocr-dev (see README). */
export interface PaddleModeProfile {
  /** The detector's input is scaled so that its longer side is this many pixels (multiple of 32). */
  readonly detectionSide: number;
  /** Photos much larger than the detection side that yield no good reading are detected again at this side. */
  readonly fineDetectionSide: number;
  /** Recogniser input width cap: rows are squeezed to it (time grows with width). */
  readonly recognitionMaxWidth: number;
  /** Read each detected row across the whole photo (the detector drops characters cut by the edge). */
  readonly fullWidthRows: boolean;
  /** Always recognise the whole crop too, not only when detection finds nothing (digit rolls). */
  readonly alwaysWholeCrop: boolean;
}

export const DEFAULT_PADDLE_PROFILES: Readonly<Record<OcrMode, PaddleModeProfile>> = {
  plate: { detectionSide: 224, fineDetectionSide: 960, recognitionMaxWidth: 160, fullWidthRows: true, alwaysWholeCrop: false },
  // Letters beside a counter would be forced into digits by the constrained alphabet, so meter rows stay as detected.
  meter: { detectionSide: 320, fineDetectionSide: 960, recognitionMaxWidth: 480, fullWidthRows: false, alwaysWholeCrop: true },
};

export interface PaddleOcrEngineOptions {
  readonly files?: PaddleModelFiles;
  /** onnxruntime intra-op threads per session; 1 keeps one photo on one core. */
  readonly threads?: number;
  readonly profiles?: Partial<Record<OcrMode, Partial<PaddleModeProfile>>>;
  readonly db?: DbOptions;
  readonly plateLayouts?: readonly string[];
  readonly startTimeoutMs?: number;
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
/** The detector never scales a photo up by more than this... */
const MAX_UPSCALE = 2;
/** ... except on a second look at a small photo whose first reading fits no plate or counter. */
const SMALL_PHOTO_UPSCALE = 4;
/** A plate's row is read again with this share of its height added above and below (see rereadDisagreement). */
const REREAD_GROWTH = 0.15;
/** ... and again this many times wider, the recogniser's width cap raised as much (see rereadDisagreement). */
const REREAD_WIDENING = 1.4;
/** The tallest plate row is also read as detected, with this share of its height added left and right (see read). */
const TIGHT_MARGIN = 0.2;
/** ... unless that is nearly the whole photo's width anyway. */
const TIGHT_MAX_SHARE = 0.9;
/** The other reading of the row is taken when it reads one more end character at least this clearly (see read). */
const LONGER_READ_EVIDENCE = 0.5;
export const PADDLE_ENGINE_ID = `paddleocr/${PADDLE_MODEL_VERSION}/onnxruntime/constrained-ctc-v1`;

interface Sessions {
  readonly detection: ort.InferenceSession;
  readonly recognition: ort.InferenceSession;
  readonly alphabets: Readonly<Record<OcrMode, CtcAlphabet>>;
}

/** O/0 and I/1 are one glyph in most plate fonts: readings that differ only there agree. */
function foldLookAlikes(text: string): string {
  return text.replace(/O/g, '0').replace(/I/g, '1');
}

export interface TextRow extends Region {
  /** Smallest gap of the row's text to the photo's left/right edge, in unclip distances. */
  readonly edgeGap: number;
}

/**
 * Room between a line's outermost characters and the ends of the region it was read from, in
 * character pitches (the mean step distance between neighbouring characters): under about half a
 * pitch, a character touches the photo's edge and the next one was probably cut off.
 */
export function endRoom(characters: ReadonlyArray<{ readonly step: number }>, usedSteps: number): number {
  if (characters.length < 2) return Number.POSITIVE_INFINITY;
  const first = characters[0].step;
  const last = characters[characters.length - 1].step;
  const pitch = (last - first) / (characters.length - 1);
  if (pitch <= 0) return Number.POSITIVE_INFINITY;
  return Math.max(0, Math.min(first + 0.5, usedSteps - last - 0.5)) / pitch;
}

/** endRoom measured to the photo's left and right edges, from the characters' centres in source pixels. */
export function photoEndRoom(centres: readonly number[], photoWidth: number): number {
  if (centres.length < 2) return Number.POSITIVE_INFINITY;
  const first = centres[0];
  const last = centres[centres.length - 1];
  const pitch = (last - first) / (centres.length - 1);
  if (pitch <= 0) return Number.POSITIVE_INFINITY;
  return Math.max(0, Math.min(first, photoWidth - last)) / pitch;
}

/** Boxes whose vertical extents overlap by half the smaller height are one text row. */
export function groupRows(boxes: readonly TextBox[]): TextRow[] {
  const rows: { x0: number; y0: number; x1: number; y1: number; edgeGap: number }[] = [];
  for (const box of [...boxes].sort((a, b) => a.x - b.x)) {
    const row = rows.find((r) => Math.min(r.y1, box.y + box.height) - Math.max(r.y0, box.y) > 0.5 * Math.min(r.y1 - r.y0, box.height));
    if (row) {
      row.x0 = Math.min(row.x0, box.x);
      row.y0 = Math.min(row.y0, box.y);
      row.x1 = Math.max(row.x1, box.x + box.width);
      row.y1 = Math.max(row.y1, box.y + box.height);
      row.edgeGap = Math.min(row.edgeGap, box.edgeGap);
    } else rows.push({ x0: box.x, y0: box.y, x1: box.x + box.width, y1: box.y + box.height, edgeGap: box.edgeGap });
  }
  return rows.map((r) => ({ x: r.x0, y: r.y0, width: r.x1 - r.x0, height: r.y1 - r.y0, edgeGap: r.edgeGap }));
}

/**
 * PaddleOCR PP-OCRv4 on the project's own onnxruntime-node: DB text detection, then CTC
 * recognition of each text row constrained to the mode's alphabet, then the line that is the
 * reading. Meter digit rolls are often too small for the detector, so the whole crop is always
 * recognised as well. The score is uncalibrated; CalibratedOcrEngine makes it a probability.
 */
export class PaddleOcrEngine implements OcrEngine {
  private sessions: Promise<Sessions> | null = null;
  private readonly files: PaddleModelFiles;
  private readonly threads: number;
  private readonly profiles: Readonly<Record<OcrMode, PaddleModeProfile>>;
  private readonly db: DbOptions;
  private readonly plateLayouts: readonly string[];
  private readonly startTimeoutMs: number;

  constructor(options: PaddleOcrEngineOptions = {}) {
    this.files = options.files ?? defaultPaddleModelFiles();
    this.threads = Math.max(1, Math.floor(options.threads ?? 1));
    this.profiles = {
      plate: { ...DEFAULT_PADDLE_PROFILES.plate, ...options.profiles?.plate },
      meter: { ...DEFAULT_PADDLE_PROFILES.meter, ...options.profiles?.meter },
    };
    this.db = options.db ?? DEFAULT_DB_OPTIONS;
    this.plateLayouts = options.plateLayouts ?? [];
    this.startTimeoutMs = options.startTimeoutMs ?? 30_000;
  }

  async start(): Promise<void> {
    this.sessions ??= withTimeout(this.load(), this.startTimeoutMs, 'loading the PaddleOCR models').catch((error: unknown) => {
      this.sessions = null;
      throw error instanceof UnavailableError ? error : new UnavailableError(`PaddleOCR models could not be loaded: ${(error as Error).message}`);
    });
    await this.sessions;
  }

  private async load(): Promise<Sessions> {
    const dictionary = await readDictionary(this.files.dictionary);
    const options: ort.InferenceSession.SessionOptions = {
      intraOpNumThreads: this.threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    };
    const [detection, recognition] = await Promise.all([
      ort.InferenceSession.create(this.files.detection, options),
      ort.InferenceSession.create(this.files.recognition, options),
    ]);
    const alphabets = {
      meter: buildCtcAlphabet(dictionary, ALPHABET.meter.allowed, ALPHABET.meter.silent),
      plate: buildCtcAlphabet(dictionary, ALPHABET.plate.allowed, ALPHABET.plate.silent),
    };
    return { detection, recognition, alphabets };
  }

  async stop(): Promise<void> {
    const sessions = this.sessions;
    this.sessions = null;
    if (!sessions) return;
    const loaded = await sessions.catch(() => null);
    if (loaded) await Promise.allSettled([loaded.detection.release(), loaded.recognition.release()]);
  }

  async recognize(image: Buffer, mode: OcrMode): Promise<OcrResult> {
    if (this.sessions === null) throw new UnavailableError('OCR engine is not started');
    const sessions = await this.sessions;
    const rgb = await decodeRgb(image);
    const profile = this.profiles[mode];
    let read = await this.read(sessions, rgb, mode, profile.detectionSide);
    // A whole scene (a car, a meter cabinet) shrinks its text below the detector's reach at the
    // crop-sized side: look again, finer, before giving up.
    if (!read.chosen?.formatOk && Math.max(rgb.width, rgb.height) > 2 * profile.detectionSide) {
      const fine = await this.read(sessions, rgb, mode, profile.fineDetectionSide);
      if (fine.chosen?.formatOk) read = fine;
    }
    // A small, low-resolution plate (a US plate cropped from a distant car) leaves its characters
    // a few pixels high at twice the size: look again at four times.
    if (mode === 'plate' && !read.chosen?.formatOk && Math.max(rgb.width, rgb.height) * MAX_UPSCALE < profile.detectionSide * 1.5) {
      const enlarged = await this.read(sessions, rgb, mode, 2 * profile.detectionSide, SMALL_PHOTO_UPSCALE);
      if (enlarged.chosen?.formatOk) read = enlarged;
    }
    let chosen = read.chosen;
    if (mode === 'plate' && chosen !== null && read.region !== null) chosen = { ...chosen, disagreement: await this.rereadDisagreement(sessions, rgb, read.region, chosen.rawText) };
    return this.result(chosen, mode, read.boxCount);
  }

  /**
   * A plate read right reads the same from a slightly different crop or scale; a misread (a
   * blurred or tiny plate, a glyph decided by a few pixels) often does not. The chosen row is read
   * again with 15% more of the photo above and below it, and again as it was but 1.4 times wider
   * (its characters less squeezed): the number of those re-reads that differ (O/0 and I/1 aside,
   * which the layout decides), 0 to 2.
   */
  private async rereadDisagreement(sessions: Sessions, rgb: RgbImage, region: Region, rawText: string): Promise<number> {
    const grow = Math.round(REREAD_GROWTH * region.height);
    const y = Math.max(0, region.y - grow);
    const taller: Region = { ...region, y, height: Math.min(rgb.height, region.y + region.height + grow) - y };
    const reads = [await this.recognizeRegion(sessions, rgb, taller, 'plate'), await this.recognizeRegion(sessions, rgb, region, 'plate', REREAD_WIDENING)];
    return reads.filter(({ characters }) => foldLookAlikes(characters.map((c) => c.char).join('')) !== foldLookAlikes(rawText)).length;
  }

  private async read(sessions: Sessions, rgb: RgbImage, mode: OcrMode, detectionSide: number, maxUpscale = MAX_UPSCALE): Promise<{ chosen: ChosenLine | null; boxCount: number; region: Region | null }> {
    const profile = this.profiles[mode];
    const boxes = await this.detect(sessions, rgb, detectionSide, maxUpscale);
    // Tallest rows first: a plate's characters are its largest text, so most photos need one read.
    const rows = groupRows(boxes).sort((a, b) => b.height - a.height);
    // Two rows of about the same height may be the two halves of a two-row plate: read both.
    const stacked = rows.length > 1 && rows[1].height >= STACKED_HEIGHT_RATIO * rows[0].height;
    const candidates: LineCandidate[] = [];
    const regions: Region[] = [];
    // Index of the other reading of the same row (whole width and as detected), if any.
    const siblings: number[] = [];
    for (const row of rows) {
      // The detector drops characters cut by the crop's edge or touching a bolt; reading the row
      // across the whole photo keeps them, and the line choice trims borders read as characters.
      const region = profile.fullWidthRows ? { ...row, x: 0, width: rgb.width } : row;
      const { characters, dropped, endRoom } = await this.recognizeRegion(sessions, rgb, region, mode);
      candidates.push({ characters, height: row.height, detectorScore: 1, edgeGap: row.edgeGap, aspect: region.width / region.height, top: row.y, dropped, endRoom });
      regions.push(region);
      siblings.push(-1);
      // Read across the whole width, the tallest row is squeezed into the recogniser's width with
      // whatever sits beside the plate (a country band, a frame, a neighbour's characters), and the
      // character next to those is often lost or read as another (a wide "W" as "H" or "N"). The row
      // as detected, with a little margin, is read too; the line choice takes the more plausible.
      if (mode === 'plate' && profile.fullWidthRows && candidates.length === 1) {
        const margin = Math.round(TIGHT_MARGIN * row.height);
        const x = Math.max(0, row.x - margin);
        const tight: Region = { ...row, x, width: Math.min(rgb.width, row.x + row.width + margin) - x };
        if (tight.width < TIGHT_MAX_SHARE * rgb.width) {
          const read = await this.recognizeRegion(sessions, rgb, tight, mode);
          // Its ends are the margin's, not the photo's: the room that matters is to the photo's edges.
          const room = photoEndRoom(read.centres, rgb.width);
          const whole = candidates.length - 1;
          siblings[whole] = candidates.length;
          siblings.push(whole);
          candidates.push({ characters: read.characters, height: row.height, detectorScore: 1, edgeGap: row.edgeGap, aspect: tight.width / tight.height, top: row.y, dropped: read.dropped, endRoom: room, asDetected: true });
          regions.push(tight);
        }
      }
      if (mode === 'plate' && !stacked && this.isClearPlate(candidates)) break;
    }
    // Digit rolls and tight crops defeat the detector: then the whole crop is the line.
    if (candidates.length === 0 || profile.alwaysWholeCrop) {
      const whole: Region = { x: 0, y: 0, width: rgb.width, height: rgb.height };
      const { characters, dropped, endRoom } = await this.recognizeRegion(sessions, rgb, whole, mode);
      candidates.push({ characters, height: 0.5 * whole.height, detectorScore: 0.5, edgeGap: Number.POSITIVE_INFINITY, aspect: whole.width / whole.height, dropped, endRoom });
      regions.push(whole);
    }
    let chosen = mode === 'plate' ? choosePlateLine(candidates, this.plateLayouts) : chooseMeterLine(candidates);
    // The region the chosen line was read from (none for a two-row plate joined from two rows).
    let index = chosen === null ? -1 : candidates.findIndex((c) => c.characters.map((ch) => ch.char).join('') === chosen?.rawText);
    // The row's other reading (whole width or as detected) that reads the same plate and one more
    // character at an end, clearly, read that character where the chosen one lost it (beside a band or a frame).
    const sibling = index < 0 || index >= siblings.length ? -1 : siblings[index];
    if (chosen !== null && sibling >= 0) {
      const other = choosePlateLine([candidates[sibling]], this.plateLayouts);
      if (other !== null && other.formatOk && other.text.length === chosen.text.length + 1 && KNOWN_PLATE_LAYOUTS.has(plateShape(other.text))) {
        const inner = foldLookAlikes(chosen.text);
        const p = other.probabilities;
        const extra = foldLookAlikes(other.text.slice(0, -1)) === inner ? p[p.length - 1] : foldLookAlikes(other.text.slice(1)) === inner ? p[0] : 0;
        if (extra >= LONGER_READ_EVIDENCE) {
          chosen = { ...other, rivals: chosen.rivals };
          index = sibling;
        }
      }
    }
    return { chosen, boxCount: boxes.length, region: index < 0 ? null : regions[index] };
  }

  /** The newest candidate is a plate in a known layout, read without doubt: no need to read the other rows. */
  private isClearPlate(candidates: readonly LineCandidate[]): boolean {
    const chosen = choosePlateLine(candidates.slice(-1), this.plateLayouts);
    return chosen !== null && chosen.formatOk && chosen.swaps === 0 && (this.plateLayouts.length > 0 || mixesLettersAndDigits(chosen.text)) && Math.min(...chosen.probabilities) > 0.8;
  }

  private result(chosen: ChosenLine | null, mode: OcrMode, boxCount: number): OcrResult {
    const text = chosen?.text ?? '';
    const score = chosen === null ? 0 : paddleScore(chosen, mode, boxCount);
    return {
      text,
      rawText: chosen?.rawText ?? '',
      value: mode === 'meter' ? parseMeterValue(text) : null,
      unit: null,
      confidence: score,
      score,
      calibrationId: null,
      engineName: 'paddle',
      engine: PADDLE_ENGINE_ID,
    };
  }

  private async detect(sessions: Sessions, rgb: RgbImage, side: number, maxUpscale: number): Promise<TextBox[]> {
    const scale = Math.min(maxUpscale, side / Math.max(rgb.width, rgb.height));
    const width = Math.max(32, Math.round((rgb.width * scale) / 32) * 32);
    const height = Math.max(32, Math.round((rgb.height * scale) / 32) * 32);
    const input = toNormalisedBgrTensor(rgb, { x: 0, y: 0, width: rgb.width, height: rgb.height }, width, height, DET_MEAN, DET_STD);
    const output = await sessions.detection.run({ [sessions.detection.inputNames[0]]: new ort.Tensor('float32', input, [1, 3, height, width]) });
    const map = output[sessions.detection.outputNames[0]].data as Float32Array;
    const sx = rgb.width / width;
    const sy = rgb.height / height;
    return detectTextBoxes(map, width, height, this.db).map((b) => {
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

  /** `widthScale` stretches the region's width (and the width cap) before recognition. */
  private async recognizeRegion(sessions: Sessions, rgb: RgbImage, region: Region, mode: OcrMode, widthScale = 1) {
    const maxWidth = Math.round(this.profiles[mode].recognitionMaxWidth * widthScale);
    const width = Math.min(maxWidth, Math.max(8, Math.ceil((widthScale * REC_HEIGHT * region.width) / region.height)));
    const tensorWidth = Math.max(REC_MIN_WIDTH, width);
    // Padding is 0 after normalisation (mid grey), as in PaddleOCR's resize_norm_img.
    const input = new Float32Array(3 * REC_HEIGHT * tensorWidth);
    toNormalisedBgrTensor(rgb, region, width, REC_HEIGHT, REC_MEAN, REC_STD, input, tensorWidth);
    const output = await sessions.recognition.run({ [sessions.recognition.inputNames[0]]: new ort.Tensor('float32', input, [1, 3, REC_HEIGHT, tensorWidth]) });
    const tensor = output[sessions.recognition.outputNames[0]];
    const steps = Number(tensor.dims[1]);
    const characters = decodeConstrained(tensor.data as Float32Array, steps, sessions.alphabets[mode]).characters;
    if (mode !== 'plate') return { characters, dropped: 0, endRoom: Number.POSITIVE_INFINITY, centres: [] as number[] };
    // Each step covers an equal slice of the tensor; the region was resized to `width` of it.
    const toSource = (region.width / width) * (tensorWidth / steps);
    const centres = characters.map((c) => region.x + (c.step + 0.5) * toSource);
    const offColour = offColourCharacters(rgb, region, centres);
    const kept = characters.filter((_, i) => !offColour[i]);
    return { characters: kept, dropped: offColour.filter(Boolean).length, endRoom: endRoom(kept, (width / tensorWidth) * steps), centres: centres.filter((_, i) => !offColour[i]) };
  }
}
