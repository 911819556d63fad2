import { detectTextBoxes } from './db-postprocess';

function map(width: number, height: number, rects: Array<{ x: number; y: number; w: number; h: number; p: number }>): Float32Array {
  const out = new Float32Array(width * height);
  for (const r of rects) for (let y = r.y; y < r.y + r.h; y += 1) for (let x = r.x; x < r.x + r.w; x += 1) out[y * width + x] = r.p;
  return out;
}

describe('DB post-processing', () => {
  it('given two text regions, then two boxes in reading order, grown by the unclip distance', () => {
    const m = map(100, 60, [
      { x: 30, y: 35, w: 40, h: 10, p: 0.9 },
      { x: 40, y: 5, w: 20, h: 6, p: 0.8 },
    ]);
    const boxes = detectTextBoxes(m, 100, 60);
    expect(boxes).toHaveLength(2);
    expect(boxes[0].y).toBeLessThan(boxes[1].y);
    const [, line] = boxes;
    // distance = area * 1.6 / perimeter = 400 * 1.6 / 100 = 6.4
    expect(line.x).toBe(30 - 7);
    expect(line.width).toBe(77 - 23);
    expect(line.score).toBeCloseTo(0.9, 5);
  });

  it('given a weak or tiny region, then it is dropped', () => {
    const m = map(50, 50, [
      { x: 5, y: 5, w: 20, h: 8, p: 0.35 },
      { x: 30, y: 30, w: 2, h: 2, p: 0.95 },
    ]);
    expect(detectTextBoxes(m, 50, 50)).toEqual([]);
  });

  it('given text running into the edge, then its edge gap is small; well inside, large', () => {
    const cut = detectTextBoxes(map(100, 40, [{ x: 0, y: 15, w: 60, h: 10, p: 0.9 }]), 100, 40)[0];
    const framed = detectTextBoxes(map(100, 40, [{ x: 25, y: 15, w: 50, h: 10, p: 0.9 }]), 100, 40)[0];
    expect(cut.edgeGap).toBe(0);
    expect(framed.edgeGap).toBeGreaterThan(2);
  });
});
