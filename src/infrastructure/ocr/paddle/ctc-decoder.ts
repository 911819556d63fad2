/**
 * Greedy CTC decoding restricted to a mode's alphabet. The recogniser scores every time step over
 * its whole dictionary (6,623 symbols, mostly CJK); filtering the decoded text afterwards would
 * keep the steps where an out-of-alphabet symbol won and drop the character that should have been
 * there. Here each step chooses among blank, the allowed characters and the separators (dash,
 * dot, space, which decode to nothing in plates), so a "0" that narrowly lost to "O" or to a CJK
 * look-alike still comes out as "0".
 */
export interface CtcAlphabet {
  /** Class index of each allowed character, parallel to `chars`. */
  readonly indices: Int32Array;
  readonly chars: readonly string[];
  /** Classes that are read but emit nothing (the blank is always one). */
  readonly silent: Int32Array;
  readonly classCount: number;
}

export interface DecodedCharacter {
  readonly char: string;
  /** Highest step probability of this character within its run. */
  readonly probability: number;
  /** That probability minus the best other allowed character's at the same step. */
  readonly margin: number;
  readonly step: number;
  /** The best allowed characters at that step, most probable first (the character itself included). */
  readonly alternatives: ReadonlyArray<{ readonly char: string; readonly probability: number }>;
}

const ALTERNATIVES = 4;

function topAlternatives(probabilities: Float32Array, row: number, alphabet: CtcAlphabet): Array<{ char: string; probability: number }> {
  const top: Array<{ char: string; probability: number }> = [];
  for (let k = 0; k < alphabet.indices.length; k += 1) {
    const p = probabilities[row + alphabet.indices[k]];
    if (top.length < ALTERNATIVES || p > top[top.length - 1].probability) {
      top.push({ char: alphabet.chars[k], probability: p });
      top.sort((a, b) => b.probability - a.probability);
      if (top.length > ALTERNATIVES) top.pop();
    }
  }
  return top;
}

export interface CtcDecoding {
  readonly text: string;
  readonly characters: readonly DecodedCharacter[];
  /** Probability mass the constraint threw away, averaged over the steps that emitted a character. */
  readonly outsideMass: number;
}

/**
 * PaddleOCR's recogniser output: class 0 is the CTC blank, classes 1..n are the dictionary lines
 * in order, and class n+1 is the space.
 */
export function buildCtcAlphabet(dictionary: readonly string[], allowed: string, silent: string): CtcAlphabet {
  const classOf = new Map<string, number>();
  dictionary.forEach((symbol, i) => {
    if (!classOf.has(symbol)) classOf.set(symbol, i + 1);
  });
  classOf.set(' ', dictionary.length + 1);
  const indices: number[] = [];
  const chars: string[] = [];
  for (const c of allowed) {
    const index = classOf.get(c);
    if (index === undefined) throw new Error(`the recogniser's dictionary has no "${c}"`);
    indices.push(index);
    chars.push(c);
  }
  const silentIndices = [0];
  for (const c of silent) {
    const index = classOf.get(c);
    if (index !== undefined) silentIndices.push(index);
  }
  return { indices: Int32Array.from(indices), chars, silent: Int32Array.from(silentIndices), classCount: dictionary.length + 2 };
}

/** `probabilities` is one sequence, row-major [steps, classCount]. */
export function decodeConstrained(probabilities: Float32Array, steps: number, alphabet: CtcAlphabet): CtcDecoding {
  const C = alphabet.classCount;
  if (probabilities.length < steps * C) throw new Error(`expected ${steps}x${C} probabilities, got ${probabilities.length}`);
  const characters: DecodedCharacter[] = [];
  let previous = -1;
  let outside = 0;
  let emittingSteps = 0;
  for (let t = 0; t < steps; t += 1) {
    const row = t * C;
    let best = -1;
    let bestP = -1;
    let secondP = 0;
    for (let k = 0; k < alphabet.indices.length; k += 1) {
      const p = probabilities[row + alphabet.indices[k]];
      if (p > bestP) {
        secondP = Math.max(secondP, bestP);
        bestP = p;
        best = k;
      } else if (p > secondP) secondP = p;
    }
    let silentP = 0;
    for (let k = 0; k < alphabet.silent.length; k += 1) silentP = Math.max(silentP, probabilities[row + alphabet.silent[k]]);
    if (silentP >= bestP) {
      previous = -1;
      continue;
    }
    let inside = silentP;
    for (let k = 0; k < alphabet.indices.length; k += 1) inside += probabilities[row + alphabet.indices[k]];
    outside += Math.max(0, 1 - inside);
    emittingSteps += 1;
    if (best === previous) {
      const last = characters[characters.length - 1];
      if (bestP > last.probability) characters[characters.length - 1] = { ...last, probability: bestP, margin: bestP - secondP, alternatives: topAlternatives(probabilities, row, alphabet) };
      continue;
    }
    characters.push({ char: alphabet.chars[best], probability: bestP, margin: bestP - secondP, step: t, alternatives: topAlternatives(probabilities, row, alphabet) });
    previous = best;
  }
  return { text: characters.map((c) => c.char).join(''), characters, outsideMass: emittingSteps === 0 ? 0 : outside / emittingSteps };
}
