import { ConflictError, NotFoundError } from '../shared/errors';
import { TrainingExampleCommand, trainingExampleDecider as decider } from './training-example.decider';
import { TrainingExampleEvent, exampleIdFor } from './training-example.events';

const exampleId = exampleIdFor('meter_reading', 'r1');

function when(given: readonly TrainingExampleEvent[], command: TrainingExampleCommand): readonly TrainingExampleEvent[] {
  return decider.decide(command, given.reduce(decider.evolve, decider.initialState));
}

const capture: TrainingExampleCommand = {
  type: 'CaptureTrainingExample',
  exampleId,
  sourceSystem: 'meter_reading',
  sourceId: 'r1',
  imageHash: 'a'.repeat(64),
  rawText: '0045 call +44 20 7946 0958',
  confidence: 0.42,
  features: [0, 1, 0.5],
  phash: '0123456789abcdef',
};

const correct: TrainingExampleCommand = {
  type: 'CorrectTrainingExample',
  exampleId,
  sourceSystem: 'meter_reading',
  sourceId: 'r1',
  correctionId: 'c1',
  groundTruthText: '004512.7',
  correctionType: 'OCR_ERROR',
  imageHash: 'a'.repeat(64),
  rawText: 'mail me: bob@example.com',
  features: [0, 1, 0.5],
};

const queue: TrainingExampleCommand = { type: 'QueueTrainingExample', exampleId, batchId: 'b1', taskId: 't1', priority: 0.9 };
const label: TrainingExampleCommand = { type: 'LabelTrainingExample', exampleId, taskId: 't1', label: '004512.7', labelerId: 'u9' };

const captured = when([], capture);
const corrected = when(captured, correct);
const queued = when([...captured], queue);
const labeled = when([...captured, ...queued], label);

describe('training example decider', () => {
  describe('capture', () => {
    it('given no example, when captured, then TrainingExampleCaptured with redacted text and uncertainty = 1 - confidence', () => {
      expect(captured).toHaveLength(1);
      expect(captured[0]).toMatchObject({ type: 'TrainingExampleCaptured', data: { exampleId, redactedText: '0045 call [PHONE]', confidence: 0.42, diversity: { phash: '0123456789abcdef', vector: [0, 1, 0.5] } } });
      expect(captured[0].data).toHaveProperty('uncertaintyScore', 1 - 0.42);
    });

    it('given a captured example, when captured again (a saga replay), then nothing', () => {
      expect(when(captured, capture)).toEqual([]);
    });

    it('given a corrected example, when the capture arrives late, then nothing: the correction is worth more', () => {
      expect(when(when([], correct), capture)).toEqual([]);
    });
  });

  describe('correct', () => {
    it('given a captured example, when corrected, then ground truth with uncertainty 1.0 and no capture snapshot', () => {
      expect(corrected).toEqual([
        {
          type: 'TrainingExampleCorrected',
          data: { exampleId, sourceSystem: 'meter_reading', sourceId: 'r1', correctionId: 'c1', groundTruthText: '004512.7', correctionType: 'OCR_ERROR', uncertaintyScore: 1.0 },
        },
      ]);
    });

    it('given no example (a confident reading), when corrected, then the example is created with the redacted capture snapshot', () => {
      const [event] = when([], correct);
      expect(event.data).toMatchObject({ imageHash: 'a'.repeat(64), rawText: 'mail me: [EMAIL]', features: [0, 1, 0.5], uncertaintyScore: 1.0 });
    });

    it('given the same correction already applied, when corrected again, then nothing', () => {
      expect(when([...captured, ...corrected], correct)).toEqual([]);
    });

    it('given a corrected example, when another correction arrives, then it is recorded too', () => {
      expect(when([...captured, ...corrected], { ...correct, correctionId: 'c2', groundTruthText: '004513.0' })).toHaveLength(1);
    });

    it('given a queued example, when corrected, then it stays queued but is marked corrected', () => {
      const state = [...captured, ...queued, ...when([...captured, ...queued], correct)].reduce(decider.evolve, decider.initialState);
      expect(state).toMatchObject({ status: 'queued', corrected: true });
    });
  });

  describe('queue', () => {
    it('given a captured example, when queued, then TrainingExampleQueued', () => {
      expect(queued).toEqual([{ type: 'TrainingExampleQueued', data: { exampleId, batchId: 'b1', taskId: 't1', priority: 0.9 } }]);
    });

    it('given no example, when queued, then NotFoundError', () => {
      expect(() => when([], queue)).toThrow(NotFoundError);
    });

    it('given the example queued for the same task, when queued again, then nothing', () => {
      expect(when([...captured, ...queued], queue)).toEqual([]);
    });

    it('given a labeled example, when queued for a new task, then ConflictError', () => {
      expect(() => when([...captured, ...queued, ...labeled], { ...queue, taskId: 't2', batchId: 'b2' })).toThrow(ConflictError);
    });

    it('given a labeled example, when its own queue command is replayed, then nothing', () => {
      expect(when([...captured, ...queued, ...labeled], queue)).toEqual([]);
    });
  });

  describe('label', () => {
    it('given an example queued for the task, when labeled, then TrainingExampleLabeled', () => {
      expect(labeled).toEqual([{ type: 'TrainingExampleLabeled', data: { exampleId, taskId: 't1', label: '004512.7', labelerId: 'u9' } }]);
      expect([...captured, ...queued, ...labeled].reduce(decider.evolve, decider.initialState)).toMatchObject({ status: 'labeled', labeledBy: 't1' });
    });

    it('given the example labeled by the task, when the label is submitted again, then nothing', () => {
      expect(when([...captured, ...queued, ...labeled], label)).toEqual([]);
    });

    it('given the example labeled by another task, when labeled, then ConflictError', () => {
      const second = when([...captured, ...queued], { ...queue, taskId: 't2' });
      expect(() => when([...captured, ...queued, ...second, ...labeled], { ...label, taskId: 't2' })).toThrow(ConflictError);
    });

    it('given an example not queued for the task, when labeled, then ConflictError', () => {
      expect(() => when(captured, label)).toThrow(ConflictError);
    });

    it('given no example, when labeled, then NotFoundError', () => {
      expect(() => when([], label)).toThrow(NotFoundError);
    });
  });

  describe('a skipped task', () => {
    const skip = (taskId: string): TrainingExampleCommand => ({ type: 'ReturnTrainingExample', exampleId, taskId, labelerId: 'u3', reason: 'glare' });
    const queuedOnce = [...captured, ...when(captured, queue)];

    it('given a queued example, when its task is skipped, then it returns to the pool as captured with one skip', () => {
      const returned = when(queuedOnce, skip('t1'));
      expect(returned).toEqual([{ type: 'TrainingExampleReturned', data: { exampleId, taskId: 't1', labelerId: 'u3', reason: 'glare', skips: 1 } }]);
      expect([...queuedOnce, ...returned].reduce(decider.evolve, decider.initialState)).toMatchObject({ status: 'captured' });
      expect(when([...queuedOnce, ...returned], skip('t1'))).toEqual([]);
    });

    it('given a second batch queues it again, when that task is skipped too, then two skips', () => {
      const first = [...queuedOnce, ...when(queuedOnce, skip('t1'))];
      const again = [...first, ...when(first, { ...queue, batchId: 'b2', taskId: 't2' } as TrainingExampleCommand)];
      expect(when(again, skip('t2'))).toEqual([expect.objectContaining({ data: expect.objectContaining({ taskId: 't2', skips: 2 }) })]);
    });

    it('given a task never queued for it, then nothing is returned', () => {
      expect(when(queuedOnce, skip('t9'))).toEqual([]);
    });
  });
});
