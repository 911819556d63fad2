/**
 * npm run degrade:ocr -- <dir with truth.tsv> <out dir>
 *
 * Writes degraded copies of every photo (blur, low resolution, heavy JPEG, noise, dim light, a
 * crop that cuts characters off) with the same truth, deterministic per photo. Real sets are
 * mostly readable, so they hold too few misreads to tell whether confidence separates right from
 * wrong or to calibrate the low end; these copies are the photos guards actually send on a bad
 * day. Names keep the original as a suffix so evaluation can fold by source photo.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { seededRandom } from '../src/ml/prng';

type Variant = (image: Buffer, width: number, height: number, seed: string) => Promise<Buffer>;

export const VARIANTS: Readonly<Record<string, Variant>> = {
  blur: (img, _w, h) => sharp(img).blur(Math.max(0.5, h / 45)).png().toBuffer(),
  'blur-heavy': (img, _w, h) => sharp(img).blur(Math.max(0.8, h / 22)).png().toBuffer(),
  lowres: async (img, w, h) => {
    const small = await sharp(img).resize(Math.max(4, Math.round(w * 0.28)), Math.max(4, Math.round(h * 0.28))).png().toBuffer();
    return sharp(small).resize(w, h, { kernel: 'nearest' }).png().toBuffer();
  },
  jpeg: async (img) => sharp(await sharp(img).jpeg({ quality: 5 }).toBuffer()).png().toBuffer(),
  noise: async (img, _w, _h, seed) => {
    const { data, info } = await sharp(img).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const random = seededRandom(seed);
    for (let i = 0; i < data.length; i += 1) {
      // Sum of uniforms: roughly Gaussian, sigma about 45 levels.
      const n = (random() + random() + random() - 1.5) * 90;
      data[i] = Math.max(0, Math.min(255, Math.round(data[i] + n)));
    }
    return sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } }).png().toBuffer();
  },
  dim: (img) => sharp(img).linear(0.25, 10).png().toBuffer(),
  cut: (img, w, h, seed) => {
    const cut = Math.max(1, Math.round(w * 0.2));
    const left = seededRandom(seed)() < 0.5 ? cut : 0;
    return sharp(img).extract({ left, top: 0, width: w - cut, height: h }).png().toBuffer();
  },
};

async function main(): Promise<void> {
  const [dir, out] = process.argv.slice(2);
  if (!dir || !out) throw new Error('usage: npm run degrade:ocr -- <dir with truth.tsv> <out dir>');
  const rows = (await fs.readFile(path.join(dir, 'truth.tsv'), 'utf8'))
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '')
    .map((l) => l.split('\t'));
  await fs.mkdir(out, { recursive: true });
  const truth: string[] = [];
  for (const [name, text] of rows) {
    const image = await fs.readFile(path.join(dir, name));
    const { width = 0, height = 0 } = await sharp(image).metadata();
    for (const [variant, make] of Object.entries(VARIANTS)) {
      const file = `${variant}__${path.basename(name, path.extname(name))}.png`;
      await fs.writeFile(path.join(out, file), await make(image, width, height, `${variant}:${name}`));
      truth.push(`${file}\t${text}`);
    }
  }
  await fs.writeFile(path.join(out, 'truth.tsv'), `${truth.join('\n')}\n`);
  console.log(`wrote ${truth.length} degraded photos of ${rows.length} to ${out}`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
