/**
 * Post-processing of a DB (Differentiable Binarization) text detector's probability map into
 * text boxes: binarise, take connected regions, score each by its mean probability, and grow it
 * by the "unclip" distance the detector was trained to shrink text by. Boxes are axis-aligned:
 * the crops this service reads (plates, meter windows) are close to level, and an upright box is
 * what the recogniser wants anyway.
 */
export interface DbOptions {
  /** Pixel probability above which a pixel is text. */
  readonly threshold: number;
  /** Minimum mean probability of a region to keep it. */
  readonly boxThreshold: number;
  /** Growth factor: distance = area * ratio / perimeter (PaddleOCR's unclip_ratio). */
  readonly unclipRatio: number;
  /** Regions whose shorter side is below this many map pixels are noise. */
  readonly minSize: number;
}

export const DEFAULT_DB_OPTIONS: DbOptions = { threshold: 0.3, boxThreshold: 0.5, unclipRatio: 1.6, minSize: 3 };

export interface TextBox {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  /** Mean probability of the region's pixels. */
  readonly score: number;
  /**
   * Gap between the text kernel and the nearer left/right edge of the image, in unclip distances.
   * The detector shrinks text by that distance, so below about 1.5 the text runs into the edge and
   * characters were probably cut off by the crop (well-framed crops measure 1.5-3.5).
   */
  readonly edgeGap: number;
}

export function detectTextBoxes(map: Float32Array, width: number, height: number, options: DbOptions = DEFAULT_DB_OPTIONS): TextBox[] {
  if (map.length < width * height) throw new Error(`expected a ${width}x${height} map, got ${map.length} values`);
  const label = new Int32Array(width * height);
  const queue = new Int32Array(width * height);
  const boxes: TextBox[] = [];
  let next = 0;
  for (let start = 0; start < width * height; start += 1) {
    if (label[start] !== 0 || map[start] <= options.threshold) continue;
    next += 1;
    label[start] = next;
    let head = 0;
    let tail = 0;
    queue[tail++] = start;
    let minX = width;
    let minY = height;
    let maxX = -1;
    let maxY = -1;
    let sum = 0;
    while (head < tail) {
      const p = queue[head++];
      const x = p % width;
      const y = (p - x) / width;
      sum += map[p];
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
      for (let dy = -1; dy <= 1; dy += 1) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx += 1) {
          const nx = x + dx;
          if (nx < 0 || nx >= width) continue;
          const q = ny * width + nx;
          if (label[q] === 0 && map[q] > options.threshold) {
            label[q] = next;
            queue[tail++] = q;
          }
        }
      }
    }
    const w = maxX - minX + 1;
    const h = maxY - minY + 1;
    if (Math.min(w, h) < options.minSize) continue;
    const score = sum / tail;
    if (score < options.boxThreshold) continue;
    const distance = (w * h * options.unclipRatio) / (2 * (w + h));
    const x0 = Math.max(0, Math.floor(minX - distance));
    const y0 = Math.max(0, Math.floor(minY - distance));
    const x1 = Math.min(width, Math.ceil(maxX + 1 + distance));
    const y1 = Math.min(height, Math.ceil(maxY + 1 + distance));
    const edgeGap = Math.min(minX, width - 1 - maxX) / Math.max(1, distance);
    boxes.push({ x: x0, y: y0, width: x1 - x0, height: y1 - y0, score, edgeGap });
  }
  // Reading order: top to bottom, then left to right.
  return boxes.sort((a, b) => a.y - b.y || a.x - b.x);
}
