import { createHash } from 'node:crypto';
import { OcrEngine, OcrEngineName, OcrMode, OcrResult } from '../../src/ports/ocr-engine.port';
import { LabeledScore } from '../../src/ml/calibration';
import { TestApp } from '../support/app';
import { call, photoForm } from '../readings/readings-helpers';

/**
 * An uncalibrated engine whose text and score the test chooses per photo (by sha256), as a real
 * engine's output before CalibratedOcrEngine: confidence = score, no calibration id.
 */
export class ScoredOcrEngine implements OcrEngine {
  private readonly answers = new Map<string, { text: string; score: number }>();

  constructor(private readonly engineName: OcrEngineName = 'tesseract') {}

  script(photo: Buffer, text: string, score: number): void {
    this.answers.set(createHash('sha256').update(photo).digest('hex'), { text, score });
  }

  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  async recognize(image: Buffer, mode: OcrMode): Promise<OcrResult> {
    const answer = this.answers.get(createHash('sha256').update(image).digest('hex')) ?? { text: mode === 'meter' ? '0' : 'AA000', score: 0.99 };
    const value = mode === 'meter' && /^\d+(\.\d+)?$/.test(answer.text) ? Number(answer.text) : null;
    return { text: answer.text, rawText: answer.text, value, unit: null, confidence: answer.score, score: answer.score, calibrationId: null, engineName: this.engineName, engine: `scored-test-${this.engineName}` };
  }
}

/** A development set whose right answers grow with the score: what a shipped default carries. */
export function developmentSamples(n: number): LabeledScore[] {
  return Array.from({ length: n }, (_, i) => ({ score: (i + 0.5) / n, correct: (i % 4 !== 0 && i >= n / 3 ? 1 : 0) as 0 | 1 }));
}

export interface EntryAnswer {
  entry_id: string;
  plate: string;
  confidence: number;
  captured_for_training: boolean;
  position: string;
}

export async function uploadPlate(app: TestApp, token: string, photo: Buffer): Promise<EntryAnswer> {
  const res = await call<EntryAnswer>(app, 'POST', '/api/v2/vehicle-entries', { token, form: photoForm({ gate_id: 'north' }, photo) });
  if (res.status !== 201) throw new Error(`vehicle entry answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function correctEntry(app: TestApp, token: string, entryId: string, text: string): Promise<string> {
  const res = await call<{ position: string }>(app, 'POST', '/api/v2/ml-training/corrections/', {
    token,
    json: { source_type: 'vehicle_entry', source_id: entryId, corrected_text: text, correction_type: 'OCR_ERROR' },
  });
  if (res.status !== 201) throw new Error(`correction answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body.position;
}
