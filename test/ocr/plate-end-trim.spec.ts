import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { PaddleOcrEngine } from '../../src/infrastructure/ocr/paddle/paddle-ocr.engine';

jest.setTimeout(60_000);

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'ocr-dev');

describe('plate end characters with no format configured', () => {
  const paddle = new PaddleOcrEngine();
  beforeAll(() => paddle.start());
  afterAll(() => paddle.stop());

  // Read across the whole photo, the row picks up a neighbouring plate's characters at the photo's
  // edges ("M5VCF2037") or a frame's mark ("NUJ3V0J"): the reading fits no known layout, and
  // without one character at an end it does.
  it.each([
    ['us_120.png', '5VCF203'],
    ['us_245.png', 'UJ3V0J'],
  ])('given the real plate %s with a stray character at an end, then the plate is read without it', async (name, truth) => {
    const result = await paddle.recognize(await fs.readFile(path.join(FIXTURES, name)), 'plate');
    expect(result.text).toBe(truth);
  });

  it('given a 10-character plate that fits a known layout, then it is read whole', async () => {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="520" height="90"><rect width="100%" height="100%" fill="#f4f4f0"/>
    <text x="50%" y="47" dominant-baseline="central" text-anchor="middle" font-family="DejaVu Sans" font-weight="bold" font-size="52" fill="#202020">KA05MN4821</text></svg>`;
    const result = await paddle.recognize(await sharp(Buffer.from(svg)).png().toBuffer(), 'plate');
    expect(result.text).toBe('KA05MN4821');
  });
});
