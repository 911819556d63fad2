import { combineReadings } from './ensemble-ocr.engine';
import type { OcrResult } from '../../ports/ocr-engine.port';

function reading(text: string, confidence: number, engineName: 'paddle' | 'tesseract'): OcrResult {
  return { text, rawText: text, value: null, unit: null, confidence, score: confidence, calibrationId: `cal-${engineName}`, engineName, engine: `${engineName}@test` };
}

describe('ensemble rules', () => {
  it('given both engines read the same text, then it is kept and the confidence rises above either', () => {
    const combined = combineReadings(reading('ABC1234', 0.8, 'paddle'), reading('ABC1234', 0.6, 'tesseract'), 'plate');
    expect(combined.text).toBe('ABC1234');
    expect(combined.score).toBeCloseTo(1 - 0.2 * 0.4, 10);
    expect(combined.engineName).toBe('ensemble');
    expect(combined.engine).toContain('paddle@test+tesseract@test');
  });

  it('given they disagree, then the likelier reading is kept and its confidence falls', () => {
    const combined = combineReadings(reading('ABC1234', 0.7, 'paddle'), reading('ABC1284', 0.9, 'tesseract'), 'plate');
    expect(combined.text).toBe('ABC1284');
    expect(combined.score).toBeCloseTo(0.9 * 0.3, 10);
    expect(combined.score).toBeLessThan(0.9);
  });

  it('given one engine read nothing, then the other reading stands with its own confidence', () => {
    const combined = combineReadings(reading('', 0, 'paddle'), reading('4512', 0.66, 'tesseract'), 'meter');
    expect(combined).toMatchObject({ text: '4512', value: 4512, score: 0.66 });
    expect(combineReadings(reading('', 0, 'paddle'), reading('', 0, 'tesseract'), 'meter')).toMatchObject({ text: '', score: 0, value: null });
  });
});
