/**
 * Finds the main line of characters in a grey image: the largest group of connected components
 * of similar height that sit on one row. Plates carry small header text, screws and a frame;
 * meters carry roll edges. Tesseract reads far better when it sees only the characters, so the
 * preparation step crops to (or re-renders) this line. Pure code over raw 8-bit grey pixels.
 */
export interface GreyImage {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
}

export interface Component {
  readonly id: number;
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
  readonly pixels: number;
}

export interface TextLine {
  /** True when the ink is darker than the background (dark text on a light plate). */
  readonly darkInk: boolean;
  readonly components: readonly Component[];
  /** Component id per pixel (-1 for background), so callers can re-render only the characters. */
  readonly labels: Int32Array;
  readonly bbox: { readonly x0: number; readonly y0: number; readonly x1: number; readonly y1: number };
  /**
   * Share of glyph-sized ink on the line's row that the line's characters account for. Blur
   * merges neighbours into one wide blob the line skips, so a low value means characters were lost.
   */
  readonly coverage: number;
}

export function otsuThreshold(data: Uint8Array): number {
  const histogram = new Array<number>(256).fill(0);
  for (const v of data) histogram[v] += 1;
  let total = 0;
  for (let i = 0; i < 256; i += 1) total += i * histogram[i];
  let sumBackground = 0;
  let weightBackground = 0;
  let bestVariance = -1;
  let threshold = 127;
  for (let t = 0; t < 256; t += 1) {
    weightBackground += histogram[t];
    if (weightBackground === 0) continue;
    const weightForeground = data.length - weightBackground;
    if (weightForeground === 0) break;
    sumBackground += t * histogram[t];
    const meanB = sumBackground / weightBackground;
    const meanF = (total - sumBackground) / weightForeground;
    const variance = weightBackground * weightForeground * (meanB - meanF) ** 2;
    if (variance > bestVariance) {
      bestVariance = variance;
      threshold = t;
    }
  }
  return threshold;
}

/** 4-connected components of ink pixels, iterative (no recursion limit on large blobs). */
export function connectedComponents(image: GreyImage, threshold: number, darkInk: boolean): { components: Component[]; labels: Int32Array } {
  const { data, width, height } = image;
  const labels = new Int32Array(width * height).fill(-1);
  const isInk = (i: number): boolean => (darkInk ? data[i] <= threshold : data[i] > threshold);
  const components: Component[] = [];
  const stack: number[] = [];
  for (let start = 0; start < data.length; start += 1) {
    if (labels[start] >= 0 || !isInk(start)) continue;
    const id = components.length;
    let x0 = width, y0 = height, x1 = 0, y1 = 0, pixels = 0;
    labels[start] = id;
    stack.push(start);
    while (stack.length > 0) {
      const p = stack.pop() as number;
      const x = p % width;
      const y = (p - x) / width;
      pixels += 1;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
      const neighbours = [x > 0 ? p - 1 : -1, x < width - 1 ? p + 1 : -1, y > 0 ? p - width : -1, y < height - 1 ? p + width : -1];
      for (const q of neighbours) {
        if (q >= 0 && labels[q] < 0 && isInk(q)) {
          labels[q] = id;
          stack.push(q);
        }
      }
    }
    components.push({ id, x0, y0, x1, y1, pixels });
  }
  return { components, labels };
}

const widthOf = (c: Component): number => c.x1 - c.x0 + 1;
const heightOf = (c: Component): number => c.y1 - c.y0 + 1;

/**
 * A character is at least a quarter of the crop's height (the crops are of one line), not much
 * wider than tall, and neither a hairline nor a solid block (fill ratio).
 */
function isCharacterLike(c: Component, imageHeight: number): boolean {
  const w = widthOf(c);
  const h = heightOf(c);
  const fill = c.pixels / (w * h);
  return h >= imageHeight * 0.25 && h <= imageHeight * 0.98 && w >= 2 && w <= h * 1.2 && fill > 0.12 && fill < 0.95;
}

function sameLine(a: Component, b: Component): boolean {
  const ha = heightOf(a);
  const hb = heightOf(b);
  const overlap = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
  return Math.abs(ha - hb) <= 0.25 * ha && overlap >= 0.5 * Math.min(ha, hb);
}

/** The biggest group wins; among equal groups the taller characters (the plate number, not the header). */
function bestGroup(candidates: readonly Component[]): { group: Component[]; score: number } | null {
  let best: { group: Component[]; score: number } | null = null;
  for (const seed of candidates) {
    const group = candidates.filter((c) => sameLine(seed, c));
    const score = group.length * 1000 + heightOf(seed);
    if (best === null || score > best.score) best = { group, score };
  }
  return best;
}

function rowCoverage(all: readonly Component[], line: readonly Component[], bbox: TextLine['bbox']): number {
  const lineHeight = bbox.y1 - bbox.y0 + 1;
  const onRow = all.filter((c) => {
    const h = heightOf(c);
    const overlap = Math.min(c.y1, bbox.y1) - Math.max(c.y0, bbox.y0) + 1;
    // Frames are taller than the row and specks or decimal points far smaller: neither counts.
    return h >= 0.5 * lineHeight && h <= 1.5 * lineHeight && overlap >= 0.5 * h;
  });
  const total = onRow.reduce((sum, c) => sum + c.pixels, 0);
  const kept = line.reduce((sum, c) => sum + c.pixels, 0);
  return total === 0 ? 1 : Math.min(1, kept / total);
}

/** Tries both polarities (dark text on light and light text on dark) and keeps the better line. */
export function locateTextLine(image: GreyImage): TextLine | null {
  const threshold = otsuThreshold(image.data);
  let best: (TextLine & { score: number }) | null = null;
  for (const darkInk of [true, false]) {
    const { components, labels } = connectedComponents(image, threshold, darkInk);
    const found = bestGroup(components.filter((c) => isCharacterLike(c, image.height)));
    if (found === null || (best !== null && best.score >= found.score)) continue;
    const g = found.group;
    const bbox = {
      x0: Math.min(...g.map((c) => c.x0)),
      y0: Math.min(...g.map((c) => c.y0)),
      x1: Math.max(...g.map((c) => c.x1)),
      y1: Math.max(...g.map((c) => c.y1)),
    };
    best = { darkInk, components: g, labels, bbox, coverage: rowCoverage(components, g, bbox), score: found.score };
  }
  if (best === null) return null;
  const { score: _score, ...line } = best;
  return line;
}
