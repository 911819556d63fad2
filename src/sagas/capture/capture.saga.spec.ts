import { RecordedEvent } from '../../domain/shared/events';
import { captureCommands } from './capture.saga';

function recorded(type: string, data: Record<string, unknown>, eventId = 'e-1'): RecordedEvent {
  return {
    eventId,
    stream: 'reading-r1',
    revision: 0,
    position: 7,
    type,
    data,
    metadata: { tenantId: 'acme', actorId: 'g1', correlationId: 'c', causationId: null, occurredAt: '2026-01-01T00:00:00.000Z', schemaVersion: 1 },
    recordedAt: '2026-01-01T00:00:00.000Z',
  };
}

const capture = { tenantId: 'acme', imageHash: 'h'.repeat(64), rawText: '0045', confidence: 0.4, engine: 't', features: [1], phash: 'p', recordedBy: 'g1' };

describe('capture saga', () => {
  it('given a confident meter reading, when handled, then no command', () => {
    expect(captureCommands(recorded('MeterReadingRecorded', { ...capture, readingId: 'r1', confidence: 0.95, capturedForTraining: false }))).toEqual([]);
  });

  it('given an uncertain meter reading, when handled, then a capture command on the example stream', () => {
    const [planned] = captureCommands(recorded('MeterReadingRecorded', { ...capture, readingId: 'r1', capturedForTraining: true }));
    expect(planned.stream).toBe('example-mr_r1');
    expect(planned.command).toEqual({
      type: 'CaptureTrainingExample',
      engine: 't',
      exampleId: 'mr_r1',
      sourceSystem: 'meter_reading',
      sourceId: 'r1',
      imageHash: 'h'.repeat(64),
      rawText: '0045',
      confidence: 0.4,
      features: [1],
      phash: 'p',
    });
  });

  it('given the same event twice (a replay), when handled, then the same command id both times', () => {
    const event = recorded('VehicleEntryRecorded', { ...capture, entryId: 'e9', capturedForTraining: true });
    expect(captureCommands(event)[0].commandId).toBe(captureCommands(event)[0].commandId);
    expect(captureCommands(event)[0].stream).toBe('example-ve_e9');
    expect(captureCommands(recorded(event.type, event.data, 'e-2'))[0].commandId).not.toBe(captureCommands(event)[0].commandId);
  });

  it('given a correction, when handled, then a correct command carrying the ground truth and the capture snapshot', () => {
    const [planned] = captureCommands(
      recorded('CorrectionSubmitted', {
        correctionId: 'c1',
        sourceType: 'meter_reading',
        sourceId: 'r1',
        correctedText: '0046',
        correctionType: 'OCR_ERROR',
        correctedBy: 'l1',
        previousText: '0045',
        imageHash: 'h'.repeat(64),
        rawText: '0045',
        confidence: 0.9,
        features: [1],
        phash: 'p',
      }),
    );
    expect(planned.command).toMatchObject({ type: 'CorrectTrainingExample', exampleId: 'mr_r1', correctionId: 'c1', groundTruthText: '0046', imageHash: 'h'.repeat(64), features: [1] });
  });
});
