import { RecordedEvent } from '../../domain/shared/events';
import type { TrainingExampleDoc } from '../../ports/training-examples.query';
import { evolveTrainingExample, trainingExamplesProjection } from './training-examples.projection';

let position = 0;
function event(type: string, data: Record<string, unknown>, at = '2026-01-01T00:00:00.000Z'): RecordedEvent {
  position += 1;
  return {
    eventId: `e${position}`,
    stream: 'example-mr_r1',
    revision: position - 1,
    position,
    type,
    data,
    metadata: { tenantId: 'acme', actorId: 'saga:capture', correlationId: 'c', causationId: null, occurredAt: at, schemaVersion: 1 },
    recordedAt: at,
  };
}

const ids = { exampleId: 'mr_r1', sourceSystem: 'meter_reading', sourceId: 'r1' };
const captured = event('TrainingExampleCaptured', { ...ids, imageHash: 'h', redactedText: '45', confidence: 0.4, uncertaintyScore: 0.6, diversity: { phash: 'p', vector: [1, 0] } });
const corrected = event('TrainingExampleCorrected', { ...ids, correctionId: 'c1', groundTruthText: '0045', correctionType: 'OCR_ERROR', uncertaintyScore: 1, imageHash: 'h', rawText: '45', features: [1, 0] }, '2026-01-02T00:00:00.000Z');
const queued = event('TrainingExampleQueued', { exampleId: 'mr_r1', batchId: 'b1', taskId: 't1', priority: 0.6 });
const labeled = event('TrainingExampleLabeled', { exampleId: 'mr_r1', taskId: 't1', label: '0045', labelerId: 'u2' });

const fold = (events: RecordedEvent[]) => events.reduce<TrainingExampleDoc | null>(evolveTrainingExample, null);

describe('training-examples projection', () => {
  it('given a capture, then a captured document with tenant, image hash, features and uncertainty', () => {
    expect(fold([captured])).toMatchObject({ example_id: 'mr_r1', tenant_id: 'acme', status: 'captured', image_hash: 'h', features: [1, 0], confidence: 0.4, uncertainty_score: 0.6, corrected: false });
  });

  it('given a capture then a correction, then corrected with the ground truth at 1.0 and updated_at moved', () => {
    expect(fold([captured, corrected])).toMatchObject({ status: 'corrected', ground_truth_text: '0045', uncertainty_score: 1, corrected: true, created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-02T00:00:00.000Z' });
  });

  it('given a correction whose text is sealed and looks like a phone number inside, then it is kept as sealed, never redacted', () => {
    // A sealed value's subject id and ciphertext may hold a run of digits that redaction would rewrite.
    const sealed = 'pd1.35538a25-93f9-4412-8763-6b39aa65232b.NjnZoEu5MoXRlsY8RjKfgU4gNueNw2N8USzgBybSP6B98I8';
    const sealedCorrection = event('CorrectionSubmitted', { correctionId: 'c9', sourceType: 'meter_reading', sourceId: 'r1', correctedText: sealed, correctionType: 'OCR_ERROR', correctedBy: 'u1', previousText: sealed, imageHash: 'h', rawText: sealed, confidence: 0.9, features: [1, 0], phash: 'p' });
    expect(fold([sealedCorrection])).toMatchObject({ ground_truth_text: sealed, raw_text: sealed });
  });

  it('given only a correction (a confident reading), then the document is created from its snapshot', () => {
    expect(fold([corrected])).toMatchObject({ status: 'corrected', image_hash: 'h', raw_text: '45', confidence: null, features: [1, 0] });
  });

  it('given queue and label, then queued then labeled with the label', () => {
    expect(fold([captured, queued])).toMatchObject({ status: 'queued', task_id: 't1', batch_id: 'b1', priority: 0.6 });
    expect(fold([captured, queued, labeled])).toMatchObject({ status: 'labeled', label: '0045', labeler_id: 'u2' });
  });

  it('given a queued example, when corrected, then it stays queued', () => {
    expect(fold([captured, queued, corrected])).toMatchObject({ status: 'queued', corrected: true, ground_truth_text: '0045' });
  });

  const submitted = event(
    'CorrectionSubmitted',
    { correctionId: 'c1', sourceType: 'meter_reading', sourceId: 'r1', correctedText: '0045', correctionType: 'OCR_ERROR', correctedBy: 'u1', previousText: '45', imageHash: 'h', rawText: '45', confidence: 0.9, features: [1, 0], phash: 'p' },
    '2026-01-02T00:00:00.000Z',
  );

  it('given a correction submitted on a reading, then the projection reads it, keyed by the example of that reading', () => {
    expect(trainingExamplesProjection.eventTypes).toContain('CorrectionSubmitted');
    expect(fold([captured, submitted])).toMatchObject({ example_id: 'mr_r1', status: 'corrected', ground_truth_text: '0045', uncertainty_score: 1, corrected: true, correction_ids: ['c1'], correction_type: 'OCR_ERROR', updated_at: '2026-01-02T00:00:00.000Z' });
  });

  it('given only a submitted correction (a confident reading), then the document is created from its snapshot', () => {
    expect(fold([submitted])).toMatchObject({ example_id: 'mr_r1', source_system: 'meter_reading', source_id: 'r1', status: 'corrected', image_hash: 'h', raw_text: '45', features: [1, 0], correction_ids: ['c1'] });
  });

  it('given a submitted correction and then the example event of the same correction, then it counts once', () => {
    const both = fold([captured, submitted, corrected]);
    expect(both).toEqual(fold([captured, submitted]));
    expect(both?.correction_ids).toEqual(['c1']);
  });

  it('given a labeled example, when the example event of an earlier submitted correction arrives late, then the label stays the ground truth', () => {
    expect(fold([captured, submitted, queued, labeled, { ...corrected, data: { ...corrected.data, groundTruthText: '0099' } }])).toMatchObject({ status: 'labeled', ground_truth_text: '0045' });
  });

  const completed = event('LabelingTaskCompleted', { taskId: 't1', exampleId: 'mr_r1', labelerId: 'u2', label: '0045', completedAt: '2026-01-03T00:00:00.000Z' }, '2026-01-03T00:00:00.000Z');

  it('given a queued example, when its task is completed, then the projection labels it from the task event itself', () => {
    expect(trainingExamplesProjection.eventTypes).toContain('LabelingTaskCompleted');
    expect(fold([captured, queued, completed])).toMatchObject({ status: 'labeled', label: '0045', ground_truth_text: '0045', labeler_id: 'u2', task_id: 't1', updated_at: '2026-01-03T00:00:00.000Z' });
  });

  it('given a completed task, when the example event of the same label arrives, then nothing changes', () => {
    expect(fold([captured, queued, completed, labeled])).toEqual(fold([captured, queued, completed]));
  });

  it('given an example already labeled through another task, when a second task completes, then the first label stays (as the decider rules)', () => {
    const other = event('LabelingTaskCompleted', { taskId: 't2', exampleId: 'mr_r1', labelerId: 'u3', label: '9999', completedAt: 'x' });
    expect(fold([captured, queued, completed, other])).toMatchObject({ label: '0045', task_id: 't1', labeler_id: 'u2' });
  });

  describe('a busy reading (many corrections)', () => {
    const submittedN = (n: number) => event('CorrectionSubmitted', { ...submitted.data, correctionId: `c${n}`, correctedText: String(1000 + n) });
    const correctedN = (n: number) => event('TrainingExampleCorrected', { ...corrected.data, correctionId: `c${n}`, groundTruthText: String(1000 + n) });
    const ns = Array.from({ length: 30 }, (_, i) => i + 1);

    it('keeps a bounded document: every correction counted, the latest 20 ids listed', () => {
      const doc = fold([captured, ...ns.map(submittedN)]);
      expect(doc).toMatchObject({ correction_count: 30, ground_truth_text: '1030' });
      expect(doc?.correction_ids).toEqual(ns.slice(10).map((n) => `c${n}`));
    });

    it('given the example events of all 30 corrections after their submissions (a burst), then the latest submission stays the ground truth', () => {
      const doc = fold([captured, ...ns.map(submittedN), ...ns.map(correctedN)]);
      expect(doc).toEqual(fold([captured, ...ns.map(submittedN)]));
    });

    it('given an example event of a correction the document applied already, then evolve answers the same document (nothing to write)', () => {
      const doc = fold([captured, submittedN(1), submittedN(2)]);
      expect(evolveTrainingExample(doc, correctedN(1))).toBe(doc);
    });

    it('given corrections known only by their example events (no submission applied), then each is applied once, in order', () => {
      const doc = fold([captured, correctedN(1), correctedN(2), correctedN(1)]);
      expect(doc).toMatchObject({ correction_count: 2, correction_ids: ['c1', 'c2'], ground_truth_text: '1002' });
    });
  });
});
