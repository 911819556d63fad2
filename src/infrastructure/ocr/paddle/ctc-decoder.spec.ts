import { buildCtcAlphabet, decodeConstrained } from './ctc-decoder';

// A tiny stand-in for PaddleOCR's dictionary: class 0 is blank, then these lines, then space.
const DICTIONARY = ['0', '1', '7', 'O', 'A', '-', '口', '.'];
const C = DICTIONARY.length + 2;
const classOf = (symbol: string): number => (symbol === ' ' ? DICTIONARY.length + 1 : symbol === 'blank' ? 0 : DICTIONARY.indexOf(symbol) + 1);

/** One row per step: the named classes get the given probabilities, the rest share what is left. */
function steps(rows: Array<Record<string, number>>): Float32Array {
  const out = new Float32Array(rows.length * C);
  rows.forEach((row, t) => {
    const named = Object.entries(row);
    const rest = Math.max(0, 1 - named.reduce((s, [, p]) => s + p, 0)) / (C - named.length);
    for (let c = 0; c < C; c += 1) out[t * C + c] = rest;
    for (const [symbol, p] of named) out[t * C + classOf(symbol)] = p;
  });
  return out;
}

describe('constrained CTC decoding', () => {
  const digits = buildCtcAlphabet(DICTIONARY, '017', '');
  const plate = buildCtcAlphabet(DICTIONARY, '017OA', '-. ');

  it('given a step won by a symbol outside the alphabet, then the best allowed character is emitted instead of nothing', () => {
    // "口" (a CJK box) beats "0" at step 1; filtering afterwards would lose the character.
    const probabilities = steps([{ '1': 0.9 }, { blank: 0.9 }, { 口: 0.6, '0': 0.3 }, { blank: 0.9 }]);
    const decoded = decodeConstrained(probabilities, 4, digits);
    expect(decoded.text).toBe('10');
    expect(decoded.characters[1]).toMatchObject({ char: '0', step: 2 });
    expect(decoded.characters[1].probability).toBeCloseTo(0.3, 5);
    expect(decoded.outsideMass).toBeGreaterThan(0.3);
  });

  it('given a letter that looks like a digit in a digits-only mode, then the digit is read', () => {
    const decoded = decodeConstrained(steps([{ O: 0.7, '0': 0.2 }]), 1, digits);
    expect(decoded.text).toBe('0');
    const asPlate = decodeConstrained(steps([{ O: 0.7, '0': 0.2 }]), 1, plate);
    expect(asPlate.text).toBe('O');
  });

  it('given repeated steps of one character, then they collapse; a blank between them keeps both', () => {
    expect(decodeConstrained(steps([{ '7': 0.8 }, { '7': 0.9 }, { '1': 0.8 }]), 3, digits).text).toBe('71');
    expect(decodeConstrained(steps([{ '7': 0.8 }, { blank: 0.9 }, { '7': 0.9 }]), 3, digits).text).toBe('77');
    // The collapsed run keeps its best step probability.
    expect(decodeConstrained(steps([{ '7': 0.6 }, { '7': 0.95 }]), 2, digits).characters[0].probability).toBeCloseTo(0.95, 5);
  });

  it('given plate separators, then they are read as silence and split runs like a blank', () => {
    const decoded = decodeConstrained(steps([{ A: 0.9 }, { '-': 0.9 }, { A: 0.9 }, { ' ': 0.8 }, { '1': 0.9 }]), 5, plate);
    expect(decoded.text).toBe('AA1');
  });

  it('given the margin to the runner-up, then it is reported per character', () => {
    const decoded = decodeConstrained(steps([{ '1': 0.5, '7': 0.4 }]), 1, digits);
    expect(decoded.characters[0].margin).toBeCloseTo(0.1, 5);
  });

  it('given a dictionary without a required character, then building the alphabet fails loudly', () => {
    expect(() => buildCtcAlphabet(DICTIONARY, '0Z', '')).toThrow(/no "Z"/);
  });
});
