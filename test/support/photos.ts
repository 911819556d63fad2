import sharp from 'sharp';

/**
 * Synthetic photos for OCR tests: text rendered from SVG with the installed DejaVu fonts, then
 * degraded deterministically (seeded noise), so a failing assertion can be reproduced exactly.
 */
export interface PhotoOptions {
  readonly width?: number;
  readonly height?: number;
  /** Gaussian blur sigma in pixels (0 = sharp). */
  readonly blur?: number;
  /** Standard deviation of additive grey noise, in grey levels (0..255). */
  readonly noise?: number;
  /** 1 keeps full contrast; 0.2 squeezes ink and background towards mid grey. */
  readonly contrast?: number;
  readonly seed?: number;
  /** Light text on a dark background, as on many meter rolls. */
  readonly inverted?: boolean;
}

export type DegradeOptions = Omit<PhotoOptions, 'width' | 'height' | 'inverted'> & {
  /** Downscale factor applied before scaling back up (0.25 = quarter resolution). */
  readonly downscale?: number;
  /** Re-encode as JPEG at this quality, as a phone upload would. */
  readonly jpegQuality?: number;
};

/** mulberry32: tiny, seedable, good enough for test noise. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const escapeXml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

async function renderSvg(svg: string): Promise<Buffer> {
  return sharp(Buffer.from(svg)).flatten({ background: '#ffffff' }).png().toBuffer();
}

/** A meter counter window: monospaced digits in a frame, optionally light-on-dark. */
export async function renderMeterPhoto(text: string, opts: PhotoOptions = {}): Promise<Buffer> {
  const height = opts.height ?? 80;
  const width = opts.width ?? Math.max(160, Math.round(text.length * height * 0.62 + height * 0.6));
  const ink = opts.inverted ? '#f2f2f2' : '#151515';
  const paper = opts.inverted ? '#202428' : '#e9e6dc';
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <rect width="100%" height="100%" fill="${paper}"/>
    <rect x="3" y="3" width="${width - 6}" height="${height - 6}" fill="none" stroke="${ink}" stroke-width="2" opacity="0.5"/>
    <text x="50%" y="50%" dominant-baseline="central" text-anchor="middle" font-family="DejaVu Sans Mono" font-weight="bold"
      font-size="${Math.round(height * 0.62)}" fill="${ink}">${escapeXml(text)}</text></svg>`;
  return degrade(await renderSvg(svg), opts);
}

/**
 * Blur strong enough that the engines read nothing (PaddleOCR still reads a blur of 6 right and
 * says so; at 8-10 it misreads a counter with confidence near 0.7, see README "OCR engines"):
 * the photo a guard retakes.
 */
export const UNREADABLE_BLUR = 14;

/** A meter photo the engines cannot read with confidence, so capture keeps it for training. */
export function renderUnreadableMeterPhoto(text: string): Promise<Buffer> {
  return renderMeterPhoto(text, { blur: UNREADABLE_BLUR });
}

/** A plate: bold sans characters on white inside a dark border, with a small header line. */
export async function renderPlatePhoto(text: string, opts: PhotoOptions = {}): Promise<Buffer> {
  const height = opts.height ?? 100;
  const width = opts.width ?? Math.round(height * 3.2);
  const ink = opts.inverted ? '#f5f5f5' : '#111111';
  const paper = opts.inverted ? '#1b1b1b' : '#f7f7f2';
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <rect width="100%" height="100%" fill="#777777"/>
    <rect x="${height * 0.06}" y="${height * 0.06}" width="${width - height * 0.12}" height="${height * 0.88}" rx="${height * 0.06}"
      fill="${paper}" stroke="${ink}" stroke-width="${Math.max(2, height * 0.03)}"/>
    <text x="50%" y="${height * 0.2}" dominant-baseline="central" text-anchor="middle" font-family="DejaVu Sans"
      font-size="${Math.round(height * 0.11)}" fill="${ink}">CITY - STATE</text>
    <text x="50%" y="${height * 0.6}" dominant-baseline="central" text-anchor="middle" font-family="DejaVu Sans" font-weight="bold"
      font-size="${Math.round(height * 0.5)}" fill="${ink}">${escapeXml(text)}</text></svg>`;
  return degrade(await renderSvg(svg), opts);
}

/** Applies contrast loss, resolution loss, blur, seeded noise and JPEG re-encoding, in that order. */
export async function degrade(png: Buffer, opts: DegradeOptions = {}): Promise<Buffer> {
  const meta = await sharp(png).metadata();
  const width = meta.width ?? 1;
  const height = meta.height ?? 1;
  let image = sharp(png).grayscale();
  if (opts.contrast !== undefined && opts.contrast !== 1) image = image.linear(opts.contrast, 128 * (1 - opts.contrast));
  let buffer: Buffer = await image.png().toBuffer();
  if (opts.downscale !== undefined && opts.downscale < 1) {
    const small = await sharp(buffer)
      .resize(Math.max(1, Math.round(width * opts.downscale)), Math.max(1, Math.round(height * opts.downscale)))
      .png()
      .toBuffer();
    buffer = await sharp(small).resize(width, height, { kernel: 'nearest' }).png().toBuffer();
  }
  if (opts.blur !== undefined && opts.blur > 0) buffer = await sharp(buffer).blur(Math.max(0.3, opts.blur)).png().toBuffer();
  if (opts.noise !== undefined && opts.noise > 0) buffer = await addNoise(buffer, opts.noise, opts.seed ?? 1);
  if (opts.jpegQuality !== undefined) buffer = await sharp(buffer).jpeg({ quality: opts.jpegQuality }).toBuffer();
  return buffer;
}

async function addNoise(png: Buffer, sigma: number, seed: number): Promise<Buffer> {
  const { data, info } = await sharp(png).grayscale().extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  const random = seededRandom(seed);
  for (let i = 0; i < data.length; i += 1) {
    // Box-Muller from two uniform draws.
    const g = Math.sqrt(-2 * Math.log(Math.max(1e-12, random()))) * Math.cos(2 * Math.PI * random());
    data[i] = Math.max(0, Math.min(255, Math.round(data[i] + g * sigma)));
  }
  return sharp(data, { raw: { width: info.width, height: info.height, channels: 1 } }).png().toBuffer();
}

/** Bytes that are certainly not a PNG or JPEG (a PDF header). */
export function notAnImage(): Buffer {
  return Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
}

/** A PNG cut in half: the signature is right, the pixels are missing. */
export async function truncatedPng(): Promise<Buffer> {
  const png = await renderMeterPhoto('123');
  return png.subarray(0, Math.floor(png.length / 2));
}
