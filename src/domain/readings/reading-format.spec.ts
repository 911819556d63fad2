import { fitPlateLayout, isMeterFormat, isPlateFormat, normaliseMeter, normalisePlate, parseMeterValue, resolveLookAlike } from './reading-format';

describe('reading format', () => {
  it.each([
    ['004512.7', '004512.7'],
    ['0045,12', '0045.12'],
    [' 12.3.4 ', '12.34'],
    ['.125.', '125'],
    ['', ''],
  ])('given raw meter text %j, when normalised, then %j', (raw, text) => {
    expect(normaliseMeter(raw)).toBe(text);
  });

  it('given meter texts, then the format check accepts values and rejects noise', () => {
    expect(isMeterFormat('004512.7')).toBe(true);
    expect(isMeterFormat('7')).toBe(true);
    expect(isMeterFormat('')).toBe(false);
    expect(isMeterFormat('12345678901')).toBe(false);
    expect(parseMeterValue('004512.7')).toBe(4512.7);
    expect(parseMeterValue('')).toBeNull();
  });

  it('given plate texts, then normalisation drops separators and any 2-10 letters and digits pass', () => {
    expect(normalisePlate('abc-1234 ')).toBe('ABC1234');
    expect(isPlateFormat('ABC1234')).toBe(true);
    expect(isPlateFormat('KA05MN4821')).toBe(true);
    expect(isPlateFormat('A12')).toBe(true);
    expect(isPlateFormat('A')).toBe(false);
    expect(isPlateFormat('KA05MN48210')).toBe(false);
  });

  it.each([
    ['0KP7250', 'OKP7250', 'LLLDDDD', 1],
    ['J6Z3298', 'JGZ3298', 'LLLDDDD', 1],
    ['OUM731I', 'OUM7311', 'LLLDDDD', 1],
    ['BRA2E19', 'BRA2E19', 'LLLDLDD', 0],
    ['AB12CDE', 'AB12CDE', 'LLDDLLL', 0],
  ])('given the plate reading %s, when fitted to a layout, then %s (%s, %d swaps)', (read, text, layout, swaps) => {
    expect(fitPlateLayout(read)).toEqual({ text, layout, swaps });
  });

  it('given a reading needing more than two swaps or fitting no layout, then it is left unchanged', () => {
    expect(fitPlateLayout('NTHOSIB')).toEqual({ text: 'NTHOSIB', layout: null, swaps: 0 });
    expect(fitPlateLayout('A1')).toEqual({ text: 'A1', layout: null, swaps: 0 });
  });

  it.each([
    ['RK857A1', 'RK857AI'],
    ['BA3020Z', 'BA302OZ'],
    ['MLOC2S', 'ML0C2S'],
    ['UHIN2A', 'UH1N2A'],
    ['MHGV4L', 'MH6V4L'],
    ['SL7C65', 'SL7C6S'],
  ])('given the reading %s that fits a common layout after one look-alike swap, then it is read %s', (read, text) => {
    expect(resolveLookAlike(read)?.text).toBe(text);
  });

  it('given a nearer miss (Z/2, S/5, B/8, G/6) the recogniser did not see, then it is not swapped', () => {
    expect(resolveLookAlike('MHGV4L', undefined, () => false)).toBeNull();
    expect(resolveLookAlike('RK857A1', undefined, () => false)?.text).toBe('RK857AI');
  });

  it('given a reading that fits a layout as read, or fits none after one look-alike swap, then nothing is swapped', () => {
    expect(resolveLookAlike('RK099AN')).toBeNull();
    expect(resolveLookAlike('HLOKTY7')).toBeNull();
    expect(resolveLookAlike('KA05MN4821')).toBeNull();
    expect(resolveLookAlike('DKZJBG')).toBeNull();
  });
});
