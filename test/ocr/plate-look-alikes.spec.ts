import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { PaddleOcrEngine } from '../../src/infrastructure/ocr/paddle/paddle-ocr.engine';

jest.setTimeout(60_000);

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'ocr-dev');

describe('plate look-alikes (O/0, I/1, 6/G...) with no format configured', () => {
  const paddle = new PaddleOcrEngine();
  beforeAll(() => paddle.start());
  afterAll(() => paddle.stop());

  // The recogniser reads the Slovak plates' final letters as digits ("RK857A1", "BA3020Z") and
  // Missouri's digit between letters as a letter ("MLOC2S", "UHIN2A"): the glyphs are the same.
  it.each([
    ['eu_017.png', 'RK857AI'],
    ['eu_048.png', 'BA302OZ'],
    ['us_133.png', 'ML0C2S'],
    ['us_163.png', 'UH1N2A'],
    ['us_184.png', 'MH6V4L'],
  ])('given the real plate %s, then the look-alike is read as its common layout has it', async (name, truth) => {
    const result = await paddle.recognize(await fs.readFile(path.join(FIXTURES, name)), 'plate');
    expect(result.text).toBe(truth);
  });

  it('given a plate that fits no common layout either way, then its O is kept as read', async () => {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="360" height="90"><rect width="100%" height="100%" fill="#f4f4f0"/>
    <text x="50%" y="47" dominant-baseline="central" text-anchor="middle" font-family="DejaVu Sans" font-weight="bold" font-size="52" fill="#202020">HLOKTY7</text></svg>`;
    const result = await paddle.recognize(await sharp(Buffer.from(svg)).png().toBuffer(), 'plate');
    expect(result.text).toBe('HLOKTY7');
  });
});
