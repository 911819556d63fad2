import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { PaddleOcrEngine } from '../../src/infrastructure/ocr/paddle/paddle-ocr.engine';

jest.setTimeout(60_000);

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'ocr-dev');

describe('the tallest plate row is also read as detected, with no format configured', () => {
  const paddle = new PaddleOcrEngine();
  beforeAll(() => paddle.start());
  afterAll(() => paddle.stop());

  // Read across the whole photo, these rows were squeezed into the recogniser's width together
  // with the frame, the state's name or the photo's dark edges: a Texas "W" came out "H"
  // (CHL9084), "MJ3R1V" lost its J, "NEILDMND" read NEILDNND, "5TGN556" read 5IGN556. Read as
  // the detector found them (with a fifth of the row's height of margin), they read as the photos show.
  it.each([
    ['us_238.png', 'CWL9084'],
    ['us_185.png', 'MJ3R1V'],
    ['us_213.png', '5TGN556'],
    ['us_118.png', 'NEILDMND'],
  ])('given the real plate %s, then it is read as the photo shows', async (name, truth) => {
    const result = await paddle.recognize(await fs.readFile(path.join(FIXTURES, name)), 'plate');
    expect(result.text).toBe(truth);
  });

  // "VW 4X4 WP" fits no known layout; read across the whole photo it came out VW4X4MPL, and the
  // trim of a stray end character would cut its P to fit Missouri's LLDLDL. A row read as
  // detected holds no neighbour's characters or frame marks, so its ends are not trimmed.
  it('given a real plate that fits no known layout, then its row read as detected keeps every character', async () => {
    const result = await paddle.recognize(await fs.readFile(path.join(FIXTURES, 'eu_006.png')), 'plate');
    expect(result.text).toBe('VW4X4WP');
  });

  // A Czech "WSQ 3021" beside the blue EU band: read across the whole photo the W is lost to the
  // band (SQ3021, a known layout as well); read as detected, the same characters and a W
  // (probability 0.5) before them. The reading with the one more end character, read at least as
  // likely as not, is taken.
  it('given a real plate whose first character is lost beside the EU band, then the reading that holds it is taken', async () => {
    const result = await paddle.recognize(await fs.readFile(path.join(FIXTURES, 'eu_007.png')), 'plate');
    expect(result.text).toBe('WSQ3021');
  });
});
