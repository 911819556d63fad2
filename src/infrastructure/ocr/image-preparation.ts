import sharp from 'sharp';
import { UnprocessableError } from '../../domain/shared/errors';
import { CORRUPT_PHOTO, openPhoto, readPhotoSize } from './photo-format';
import { type GreyImage, type TextLine, locateTextLine, otsuThreshold } from './text-line-locator';

export { computeImageFeatures } from './image-features';
export { textFeatures, type ImageFeatures, type TextFeatures } from '../../ml/image-features';

/**
 * Crops are small (a 30x60 digit roll, a 200x60 plate); the locator and Tesseract both need
 * characters tens of pixels tall, so small inputs are scaled up to this working height, and huge
 * photos scaled down so that a 12-megapixel upload cannot stall a worker.
 */
const MIN_WORKING_HEIGHT = 120;
const MAX_WORKING_HEIGHT = 480;
/** Height of the images handed to Tesseract; LSTM models read best around 30-40px glyphs. */
const OCR_HEIGHT = 60;

export interface OcrVariants {
  /** Two differently prepared PNGs of the same photo; agreement between them feeds confidence. */
  readonly images: readonly [Buffer, Buffer];
  /** Whether a line of characters was found; when not, both variants are whole-image fallbacks. */
  readonly lineFound: boolean;
  /** Characters the locator counted on the line (null without a line); a reading much shorter or longer is suspect. */
  readonly characterCount: number | null;
  /** See TextLine.coverage; 0 without a line. */
  readonly coverage: number;
}

/** Decodes PNG or JPEG only (the API contract); anything else is a 422, never a 500. */
export async function decodeGrey(image: Buffer): Promise<GreyImage> {
  const { height } = await readPhotoSize(image);
  try {
    const target = Math.min(MAX_WORKING_HEIGHT, Math.max(MIN_WORKING_HEIGHT, height));
    const { data, info } = await openPhoto(image)
      .grayscale()
      .resize({ height: target, kernel: 'lanczos3' })
      .normalise()
      .extractChannel(0)
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
  } catch {
    throw new UnprocessableError(CORRUPT_PHOTO);
  }
}

async function encode(grey: GreyImage, padding: number): Promise<Buffer> {
  const scaled = await sharp(Buffer.from(grey.data), { raw: { width: grey.width, height: grey.height, channels: 1 } })
    .extend({ top: padding, bottom: padding, left: padding, right: padding, background: '#ffffff' })
    .png()
    .toBuffer();
  return sharp(scaled).resize({ height: OCR_HEIGHT, kernel: 'lanczos3' }).normalise().extractChannel(0).png().toBuffer();
}

function crop(grey: GreyImage, x0: number, y0: number, x1: number, y1: number): GreyImage {
  const left = Math.max(0, x0);
  const top = Math.max(0, y0);
  const width = Math.min(grey.width - 1, x1) - left + 1;
  const height = Math.min(grey.height - 1, y1) - top + 1;
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y += 1) {
    data.set(grey.data.subarray((top + y) * grey.width + left, (top + y) * grey.width + left + width), y * width);
  }
  return { data, width, height };
}

const invert = (grey: GreyImage): GreyImage => ({ ...grey, data: grey.data.map((v) => 255 - v) });

/**
 * Only the line's own components, black on white: header text, screws and frame disappear.
 * With `keepMarks`, small ink inside the lower half of the line (a decimal point) is kept too.
 */
function renderLineMask(grey: GreyImage, line: TextLine, keepMarks: boolean): GreyImage {
  const { x0, y0, x1, y1 } = line.bbox;
  const keep = new Set(line.components.map((c) => c.id));
  const middle = (y0 + y1) / 2;
  const data = new Uint8Array(grey.data.length).fill(255);
  const marks = new Map<number, boolean>();
  if (keepMarks) {
    // A mark's pixels must all lie in the band; track violations per component id.
    for (let i = 0; i < data.length; i += 1) {
      const id = line.labels[i];
      if (id < 0 || keep.has(id)) continue;
      const x = i % grey.width;
      const y = (i - x) / grey.width;
      const inside = x > x0 && x < x1 && y >= middle && y <= y1 + 1;
      marks.set(id, (marks.get(id) ?? true) && inside);
    }
  }
  for (let i = 0; i < data.length; i += 1) {
    const id = line.labels[i];
    if (keep.has(id) || marks.get(id) === true) data[i] = 0;
  }
  return crop({ data, width: grey.width, height: grey.height }, x0, y0, x1, y1);
}

/** The line with its surroundings, in original grey levels, so thin strokes the mask lost survive. */
function cropLine(grey: GreyImage, line: TextLine): GreyImage {
  const { x0, y0, x1, y1 } = line.bbox;
  const margin = Math.round((y1 - y0 + 1) * 0.3);
  const cropped = crop(grey, x0 - margin, y0 - margin, x1 + margin, y1 + margin);
  return line.darkInk ? cropped : invert(cropped);
}

/** Without a located line: whole image, made dark-on-light (background is the majority class). */
function wholeImage(grey: GreyImage): GreyImage {
  const threshold = otsuThreshold(grey.data);
  let dark = 0;
  for (const v of grey.data) if (v <= threshold) dark += 1;
  return dark > grey.data.length / 2 ? invert(grey) : grey;
}

function binarise(grey: GreyImage): GreyImage {
  const threshold = otsuThreshold(grey.data);
  return { ...grey, data: grey.data.map((v) => (v <= threshold ? 0 : 255)) };
}

/** `keepMarks` keeps decimal points in the masked variant (meters); plates drop separators anyway. */
export async function prepareOcrVariants(image: Buffer, keepMarks = false): Promise<OcrVariants> {
  const grey = await decodeGrey(image);
  const line = locateTextLine(grey);
  if (line === null) {
    const whole = wholeImage(grey);
    const pad = Math.round(grey.height * 0.1);
    return { images: [await encode(whole, pad), await encode(binarise(whole), pad)], lineFound: false, characterCount: null, coverage: 0 };
  }
  const charHeight = line.bbox.y1 - line.bbox.y0 + 1;
  const masked = await encode(renderLineMask(grey, line, keepMarks), Math.max(8, Math.round(charHeight / 3)));
  const cropped = await encode(cropLine(grey, line), 0);
  return { images: [masked, cropped], lineFound: true, characterCount: line.components.length, coverage: line.coverage };
}
