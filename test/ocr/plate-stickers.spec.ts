import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { PaddleOcrEngine } from '../../src/infrastructure/ocr/paddle/paddle-ocr.engine';

jest.setTimeout(60_000);

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'ocr-dev');

describe('plate stickers', () => {
  const paddle = new PaddleOcrEngine();
  beforeAll(() => paddle.start());
  afterAll(() => paddle.stop());

  // Czech plates carry round registration stickers (two coloured discs, one over the other)
  // between the groups; the recogniser alone reads them as an "8".
  it.each([
    ['eu_052.png', 'BZM2227'],
    ['eu_056.png', '2T40211'],
  ])('given the real plate %s with a coloured sticker between the groups, then the sticker is no character', async (name, truth) => {
    const result = await paddle.recognize(await fs.readFile(path.join(FIXTURES, name)), 'plate');
    expect(result.text).toBe(truth);
  });

  // The recogniser places the first "P" of this Slovak plate early, on the blue band beside it.
  it('given the real plate eu_008.png whose first character sits beside the EU band, then that character is kept', async () => {
    const result = await paddle.recognize(await fs.readFile(path.join(FIXTURES, 'eu_008.png')), 'plate');
    expect(result.text).toBe('PP587AO');
  });

  it('given a plate whose characters are all in one coloured ink, then none of them is taken for a sticker', async () => {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="360" height="90"><rect width="100%" height="100%" fill="#f4f4f0"/>
    <text x="50%" y="47" dominant-baseline="central" text-anchor="middle" font-family="DejaVu Sans" font-weight="bold" font-size="52" fill="#b01818">7KQP418</text></svg>`;
    const result = await paddle.recognize(await sharp(Buffer.from(svg)).png().toBuffer(), 'plate');
    expect(result.text).toBe('7KQP418');
  });
});
