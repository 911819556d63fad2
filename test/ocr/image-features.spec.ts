import { UnprocessableError } from '../../src/domain/shared/errors';
import { computeImageFeatures, textFeatures } from '../../src/infrastructure/ocr/image-preparation';
import { degrade, notAnImage, renderMeterPhoto, renderPlatePhoto } from '../support/photos';
import sharp from 'sharp';

const distance = (a: readonly number[], b: readonly number[]): number => Math.sqrt(a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0));
const hamming = (a: string, b: string): number => {
  let d = 0;
  for (let i = 0; i < a.length; i += 1) {
    let x = parseInt(a[i], 16) ^ parseInt(b[i], 16);
    for (; x > 0; x >>= 1) d += x & 1;
  }
  return d;
};

describe('image features', () => {
  it('given a photo, then the phash is 16 hex digits and the vector is 64 bits plus 4 bounded features', async () => {
    const f = await computeImageFeatures(await renderMeterPhoto('004512.7'));
    expect(f.phash).toMatch(/^[0-9a-f]{16}$/);
    expect(f.vector).toHaveLength(68);
    expect(f.vector.slice(0, 64).every((b) => b === 0 || b === 1)).toBe(true);
    expect(f.vector.every((v) => v >= 0 && v <= 1)).toBe(true);
  });

  it('given near-duplicates (re-encoded, rescaled, slightly noisy), then vectors are near-identical and far from a different photo', async () => {
    const original = await renderPlatePhoto('ABC1234');
    const jpeg = await sharp(original).jpeg({ quality: 60 }).toBuffer();
    const rescaled = await sharp(original).resize({ width: 250 }).png().toBuffer();
    const noisy = await degrade(original, { noise: 6, seed: 2 });
    const other = await renderMeterPhoto('98');
    const [fo, fj, fr, fn, fx] = await Promise.all([original, jpeg, rescaled, noisy, other].map((b) => computeImageFeatures(b)));
    for (const near of [fj, fr, fn]) {
      expect(hamming(fo.phash, near.phash)).toBeLessThanOrEqual(2);
      expect(distance(fo.vector, near.vector)).toBeLessThan(0.5);
    }
    expect(hamming(fo.phash, fx.phash)).toBeGreaterThan(12);
    expect(distance(fo.vector, fx.vector)).toBeGreaterThan(3.5);
  });

  it('given bytes that are not an image, then UnprocessableError', async () => {
    await expect(computeImageFeatures(notAnImage())).rejects.toBeInstanceOf(UnprocessableError);
  });

  it('given texts, then length and digit/letter shares', () => {
    expect(textFeatures('ABC1234')).toEqual({ length: 7, digitShare: 4 / 7, letterShare: 3 / 7 });
    expect(textFeatures('004512.7')).toEqual({ length: 8, digitShare: 7 / 8, letterShare: 0 });
    expect(textFeatures('')).toEqual({ length: 0, digitShare: 0, letterShare: 0 });
  });
});
