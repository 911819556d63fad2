import type { DecodedCharacter } from './ctc-decoder';
import { type LineCandidate, chooseMeterLine, choosePlateLine } from './line-choice';

function line(text: string, height: number, probability = 0.97, extra: Partial<LineCandidate> = {}): LineCandidate {
  const characters: DecodedCharacter[] = [...text].map((char, step) => ({ char, probability, margin: probability - 0.01, step, alternatives: [{ char, probability }] }));
  return { characters, height, detectorScore: 1, edgeGap: 2.5, aspect: text.length * 0.7, ...extra };
}

describe('choosing the text line that is the reading', () => {
  it('given a city name above the plate, then the plate line is chosen', () => {
    const chosen = choosePlateLine([line('BASALVADOR', 12, 0.99), line('AYO9034', 40, 0.95)]);
    expect(chosen).toMatchObject({ text: 'AYO9034', formatOk: true, swaps: 0, trimmed: 0 });
  });

  it('given a border read as a character at the end of the line, then it is trimmed off with a layout given, or without when only the trimmed line fits a known layout', () => {
    expect(choosePlateLine([line('OKM2371I', 40)], ['LLLDDDD'])).toMatchObject({ text: 'OKM2371', trimmed: 1, rawText: 'OKM2371I' });
    expect(choosePlateLine([line('OKM2371I', 40)])).toMatchObject({ text: 'OKM2371', trimmed: 1 });
    // A line that fits a known layout as read keeps its ends.
    expect(choosePlateLine([line('AB12CDE', 40)])).toMatchObject({ text: 'AB12CDE', trimmed: 0 });
    // Never two characters from one end, nor below five characters.
    expect(choosePlateLine([line('XXABC1234', 40)])).toMatchObject({ text: 'XXABC1234', trimmed: 0 });
    expect(choosePlateLine([line('A1B2C3', 40)])).toMatchObject({ trimmed: 0 });
  });

  it('given look-alikes in the wrong slots, then only a given layout swaps them, and counts the swaps', () => {
    expect(choosePlateLine([line('0KP7250', 40)], ['LLLDDDD'])).toMatchObject({ text: 'OKP7250', swaps: 1 });
    // With none, one O/0 or I/1 is read the way a common layout has it; a nearer miss (6/G) only
    // where the recogniser saw the other glyph too; two look-alikes are left as read.
    expect(choosePlateLine([line('0KP7250', 40)])).toMatchObject({ text: 'OKP7250', swaps: 1, layoutRank: null });
    expect(choosePlateLine([line('J6Z3298', 40)])).toMatchObject({ text: 'J6Z3298', swaps: 0, layoutRank: null });
    const seenG = line('J6Z3298', 40);
    const characters = seenG.characters.map((c, i) => (i === 1 ? { ...c, alternatives: [...c.alternatives, { char: 'G', probability: 0.2 }] } : c));
    expect(choosePlateLine([{ ...seenG, characters }])).toMatchObject({ text: 'JGZ3298', swaps: 1, layoutRank: null });
    expect(choosePlateLine([line('J6Z32B8', 40)])).toMatchObject({ text: 'J6Z32B8', swaps: 0, layoutRank: null });
  });

  it('given a 10-character plate and no layouts, then it is read in full', () => {
    expect(choosePlateLine([line('KA05MN4821', 40)])).toMatchObject({ text: 'KA05MN4821', formatOk: true, trimmed: 0 });
  });

  it('given two rows of the same height one under the other, then they are read as one two-row plate', () => {
    expect(choosePlateLine([line('1234', 40, 0.97, { top: 60 }), line('AB', 38, 0.97, { top: 10 })])?.text).toBe('AB1234');
  });

  it('given a slogan that is no plate and a short plate-like line, then the plate-like line wins and rivals are counted', () => {
    const chosen = choosePlateLine([line('ABC1234', 30), line('XYZ9876', 30)]);
    expect(chosen?.rivals).toBe(1);
    expect(choosePlateLine([line('TERRADOSOL', 40), line('QRS4321', 30)])?.text).toBe('QRS4321');
  });

  it('given the rank of the fitted layout, then it is reported', () => {
    expect(choosePlateLine([line('AB1234', 40)], ['LLLDDDD', 'LLDDDD'])?.layoutRank).toBe(1);
    expect(choosePlateLine([line('ABC1234', 40)], ['LLLDDDD', 'LLDDDD'])?.layoutRank).toBe(0);
  });

  it('given meter lines, then the digit row is the value and stray points are dropped', () => {
    expect(chooseMeterLine([line('00451.27', 40), line('7', 10, 0.6)])).toMatchObject({ text: '00451.27', formatOk: true });
    expect(chooseMeterLine([line('.7.', 30)])?.text).toBe('7');
    expect(chooseMeterLine([line('', 30)])).toBeNull();
  });
});
