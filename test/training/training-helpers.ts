import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { OcrEngine, OcrMode, OcrResult } from '../../src/ports/ocr-engine.port';
import { TestApp } from '../support/app';
import { call, photoForm } from '../readings/readings-helpers';

export { call, eventually, photoForm } from '../readings/readings-helpers';

/**
 * An OCR engine whose answers the test sets per photo (by sha256), so a suite controls each
 * example's uncertainty exactly and runs in seconds. Photos still go through the real intake:
 * decoding, perceptual-hash features, the blob store. Unscripted photos read confidently.
 */
export class ScriptedOcrEngine implements OcrEngine {
  private readonly answers = new Map<string, { text: string; confidence: number }>();

  script(photo: Buffer, text: string, confidence: number): void {
    this.answers.set(createHash('sha256').update(photo).digest('hex'), { text, confidence });
  }

  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  async recognize(image: Buffer, mode: OcrMode): Promise<OcrResult> {
    const answer = this.answers.get(createHash('sha256').update(image).digest('hex')) ?? { text: mode === 'meter' ? '0' : 'AA000', confidence: 0.99 };
    const value = mode === 'meter' && /^\d+(\.\d+)?$/.test(answer.text) ? Number(answer.text) : null;
    return { text: answer.text, rawText: answer.text, value, unit: null, confidence: answer.confidence, score: answer.confidence, calibrationId: null, engineName: 'tesseract', engine: 'scripted-test' };
  }
}

export interface Selected {
  example_id: string;
  task_id: string;
  uncertainty_score: number;
  diversity_distance: number;
  is_correction: boolean;
  rank: number;
  source_system: string;
}

export interface RunAnswer {
  batch_id: string;
  week: string;
  created: boolean;
  pool_size: number;
  selected: Selected[];
  position: string;
}

export interface BacklogItem {
  task_id: string;
  example_id: string;
  priority: number;
  status: string;
  claimed_by: string | null;
  lease_expires_at: string | null;
  source_system: string;
}

export interface BacklogAnswer {
  items: BacklogItem[];
  next_cursor: string | null;
  counts: { tenant_id: string; total: number; open: number; claimed: number; by_source_system: Record<string, number> };
}

/** Upload a meter photo as a guard; returns the reading id. */
export async function uploadMeter(app: TestApp, token: string, photo: Buffer, assetId = 'meter-1'): Promise<string> {
  const res = await call<{ reading_id: string }>(app, 'POST', '/api/v2/meter-readings', { token, form: photoForm({ asset_id: assetId }, photo) });
  if (res.status !== 201) throw new Error(`meter reading answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body.reading_id;
}

export async function uploadEntry(app: TestApp, token: string, photo: Buffer, gateId = 'north'): Promise<string> {
  const res = await call<{ entry_id: string }>(app, 'POST', '/api/v2/vehicle-entries', { token, form: photoForm({ gate_id: gateId }, photo) });
  if (res.status !== 201) throw new Error(`vehicle entry answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body.entry_id;
}

/** Waits until the tenant has `n` training examples (the capture saga records them asynchronously). */
export async function waitForExamples(app: TestApp, token: string, n: number, query = ''): Promise<{ example_id: string; source_id: string; status: string }[]> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const res = await call<{ items: { example_id: string; source_id: string; status: string }[] }>(app, 'GET', `/api/v2/ml-training/examples?limit=500${query}`, { token });
    if (res.status === 200 && res.body.items.length >= n) return res.body.items;
    if (Date.now() > deadline) throw new Error(`expected ${n} examples, have ${res.status === 200 ? res.body.items.length : res.status}`);
    await sleep(50);
  }
}

export async function runActiveLearning(app: TestApp, token: string, batchSize?: number): Promise<RunAnswer> {
  const res = await call<RunAnswer>(app, 'POST', '/api/v2/ml-training/active-learning/run', { token, json: batchSize === undefined ? {} : { batch_size: batchSize } });
  if (res.status !== 201) throw new Error(`active-learning run answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function backlog(app: TestApp, token: string, minPosition?: string): Promise<BacklogAnswer> {
  const res = await call<BacklogAnswer>(app, 'GET', `/api/v2/ml-training/labeling-backlog?limit=500${minPosition ? `&min_position=${minPosition}` : ''}`, { token });
  if (res.status !== 200) throw new Error(`backlog answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function eventsOfType(app: TestApp, auditor: string, type: string): Promise<{ stream: string; data: Record<string, unknown>; metadata: Record<string, unknown> }[]> {
  const res = await call<{ items: { stream: string; data: Record<string, unknown>; metadata: Record<string, unknown> }[] }>(app, 'GET', `/api/v2/audit/events?limit=1000&type=${type}`, { token: auditor });
  if (res.status !== 200) throw new Error(`audit answered ${res.status}`);
  return res.body.items;
}

/** Upload and return the answer's position too (for `min_position` on the next read). */
export async function uploadMeterAt(app: TestApp, token: string, photo: Buffer): Promise<{ readingId: string; position: string }> {
  const res = await call<{ reading_id: string; position: string }>(app, 'POST', '/api/v2/meter-readings', { token, form: photoForm({ asset_id: 'meter-1' }, photo) });
  if (res.status !== 201) throw new Error(`meter reading answered ${res.status}: ${JSON.stringify(res.body)}`);
  return { readingId: res.body.reading_id, position: res.body.position };
}
