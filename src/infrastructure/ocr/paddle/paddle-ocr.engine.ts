import { UnavailableError } from '../../../domain/shared/errors';
import { withTimeout } from '../with-timeout';
import type { OcrEngine, OcrMode, OcrResult } from '../../../ports/ocr-engine.port';
import { KNOWN_PLATE_LAYOUTS } from '../../../domain/readings/plate-formats';
import { mixesLettersAndDigits, parseMeterValue, plateShape } from '../../../domain/readings/reading-format';
import { DEFAULT_DB_OPTIONS, type DbOptions, type TextBox } from './db-postprocess';
import { type ChosenLine, type LineCandidate, STACKED_HEIGHT_RATIO, chooseMeterLine, choosePlateLine } from './line-choice';
import { type Sessions, detectText, loadSessions, recognizeRegion } from './paddle-inference';
import { PADDLE_MODEL_VERSION, type PaddleModelFiles, defaultPaddleModelFiles } from './paddle-models';
import { DEFAULT_PADDLE_PROFILES, type PaddleModeProfile, type PaddleOcrEngineOptions } from './paddle-profiles';
import { paddleScore } from './paddle-score';
import { readsNothing, readsOtherwise, rereadsOf } from './rereads';
import { type Region, type RgbImage, decodeRgb, recolouredRegion, smoothedRegion } from './rgb-image';
import { type TextRow, endEvidence, foldLookAlikes, groupRows, photoEndRooms } from './text-rows';

export { endRoom, groupRows, type TextRow } from './text-rows';
export { DEFAULT_PADDLE_PROFILES, type PaddleModeProfile, type PaddleOcrEngineOptions } from './paddle-profiles';

/** The detector never scales a photo up by more than this... */
const MAX_UPSCALE = 2;
/** ... except on a second look at a small photo whose first reading fits no plate or counter. */
const SMALL_PHOTO_UPSCALE = 4;
/** The tallest plate row is also read as detected, with this share of its height added left and right (see read). */
const TIGHT_MARGIN = 0.2;
/** ... unless that is nearly the whole photo's width anyway. */
const TIGHT_MAX_SHARE = 0.9;
/** The other reading of the row is taken when it reads one more end character at least this clearly (see read). */
const LONGER_READ_EVIDENCE = 0.5;
export const PADDLE_ENGINE_ID = `paddleocr/${PADDLE_MODEL_VERSION}/onnxruntime/constrained-ctc-v1`;

/** Every line read from a photo, the region each was read from, and the index of each one's other reading of the same row (-1: none). */
interface LineReads {
  readonly candidates: LineCandidate[];
  readonly regions: Region[];
  readonly siblings: number[];
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

  private load(): Promise<Sessions> {
    return loadSessions(this.files, this.threads);
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
    if (chosen !== null && read.region !== null) {
      const { otherwise, nothing } = await this.rereadDisagreement(sessions, rgb, read.region, chosen, mode);
      chosen = { ...chosen, disagreement: otherwise, rereadsReadingNothing: nothing };
    }
    return this.result(chosen, mode, read.boxCount);
  }

  /**
   * A line read right reads the same from a slightly different crop or scale; a misread (a blurred
   * or noisy photo, a glyph decided by a few pixels) often does not. The chosen line's region is
   * read again (rereadsOf: plates four times, meters six): the number of re-reads that read
   * otherwise, and how many of those read nothing at all (readsNothing).
   */
  private async rereadDisagreement(sessions: Sessions, rgb: RgbImage, region: Region, chosen: ChosenLine, mode: OcrMode): Promise<{ otherwise: number; nothing: number }> {
    let otherwise = 0;
    let nothing = 0;
    for (const reread of rereadsOf(mode, region, rgb.height)) {
      const source = reread.smoothed
        ? smoothedRegion(rgb, reread.region)
        : reread.recoloured !== undefined
          ? recolouredRegion(rgb, reread.region, reread.recoloured)
          : { image: rgb, region: reread.region };
      const { characters } = await this.recognizeRegion(sessions, source.image, source.region, mode, reread.widthScale);
      const text = characters.map((c) => c.char).join('');
      if (!readsOtherwise(mode, text, chosen)) continue;
      otherwise += 1;
      if (readsNothing(mode, text)) nothing += 1;
    }
    return { otherwise, nothing };
  }

  private async read(sessions: Sessions, rgb: RgbImage, mode: OcrMode, detectionSide: number, maxUpscale = MAX_UPSCALE): Promise<{ chosen: ChosenLine | null; boxCount: number; region: Region | null }> {
    const boxes = await detectText(sessions, rgb, detectionSide, maxUpscale, this.db);
    const reads = await this.readLines(sessions, rgb, mode, boxes);
    const { chosen, index } = this.chooseLine(reads, mode);
    return { chosen, boxCount: boxes.length, region: index < 0 ? null : reads.regions[index] };
  }

  /** Each detected row read (tallest first, stopping at a clear plate), then the whole crop when the mode wants it or nothing was found. */
  private async readLines(sessions: Sessions, rgb: RgbImage, mode: OcrMode, boxes: readonly TextBox[]): Promise<LineReads> {
    const profile = this.profiles[mode];
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
      const { characters, dropped, endRoom, cutStroke } = await this.recognizeRegion(sessions, rgb, region, mode);
      candidates.push({ characters, height: row.height, detectorScore: 1, edgeGap: row.edgeGap, aspect: region.width / region.height, top: row.y, dropped, endRoom, cutStroke });
      regions.push(region);
      siblings.push(-1);
      // Read across the whole width, the tallest row is squeezed into the recogniser's width with
      // whatever sits beside the plate (a country band, a frame, a neighbour's characters), and the
      // character next to those is often lost or read as another (a wide "W" as "H" or "N"). The row
      // as detected, with a little margin, is read too; the line choice takes the more plausible.
      if (mode === 'plate' && profile.fullWidthRows && candidates.length === 1) {
        const tight = await this.readAsDetected(sessions, rgb, row);
        if (tight) {
          const whole = candidates.length - 1;
          siblings[whole] = candidates.length;
          siblings.push(whole);
          candidates.push(tight.candidate);
          regions.push(tight.region);
        }
      }
      if (mode === 'plate' && !stacked && this.isClearPlate(candidates)) break;
    }
    // Digit rolls and tight crops defeat the detector: then the whole crop is the line.
    if (candidates.length === 0 || profile.alwaysWholeCrop) {
      const whole: Region = { x: 0, y: 0, width: rgb.width, height: rgb.height };
      const { characters, dropped, endRoom, cutStroke } = await this.recognizeRegion(sessions, rgb, whole, mode);
      candidates.push({ characters, height: 0.5 * whole.height, detectorScore: 0.5, edgeGap: Number.POSITIVE_INFINITY, aspect: whole.width / whole.height, dropped, endRoom, cutStroke });
      regions.push(whole);
    }
    return { candidates, regions, siblings };
  }

  /** The tallest plate row as detected, with a little margin: null when that is nearly the whole photo's width anyway. */
  private async readAsDetected(sessions: Sessions, rgb: RgbImage, row: TextRow): Promise<{ candidate: LineCandidate; region: Region } | null> {
    const margin = Math.round(TIGHT_MARGIN * row.height);
    const x = Math.max(0, row.x - margin);
    const tight: Region = { ...row, x, width: Math.min(rgb.width, row.x + row.width + margin) - x };
    if (tight.width >= TIGHT_MAX_SHARE * rgb.width) return null;
    const read = await this.recognizeRegion(sessions, rgb, tight, 'plate');
    // Its ends are the margin's, not the photo's: the room that matters is to the photo's edges.
    const ends = endEvidence(read.characters, photoEndRooms(read.centres, rgb.width));
    return { candidate: { characters: read.characters, height: row.height, detectorScore: 1, edgeGap: row.edgeGap, aspect: tight.width / tight.height, top: row.y, dropped: read.dropped, ...ends, asDetected: true }, region: tight };
  }

  /** The line that is the reading, and the index of the candidate it was read from (-1 for a two-row plate joined from two rows). */
  private chooseLine({ candidates, siblings }: LineReads, mode: OcrMode): { chosen: ChosenLine | null; index: number } {
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
    return { chosen, index };
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

  private recognizeRegion(sessions: Sessions, rgb: RgbImage, region: Region, mode: OcrMode, widthScale = 1) {
    return recognizeRegion(sessions, rgb, region, mode, this.profiles[mode].recognitionMaxWidth, widthScale);
  }
}
