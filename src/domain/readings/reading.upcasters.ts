import { EventData } from '../shared/events';
import { Upcaster } from '../shared/upcasting';
import { OcrCapture, OcrCaptureV1 } from './reading.events';

/**
 * v1 → v2 of a recorded reading: before calibrations, `confidence` was the engine's own score, no
 * calibration was applied, and tesseract was the only engine. Pure: the input is untouched and
 * fields this upcaster does not know pass through.
 */
function liftCapture(data: EventData): EventData {
  const v1 = data as unknown as OcrCaptureV1;
  const lifted: Pick<OcrCapture, 'score' | 'calibrationId' | 'engineName'> = { score: v1.confidence, calibrationId: null, engineName: 'tesseract' };
  return { ...data, ...lifted };
}

export const meterReadingRecordedV1ToV2: Upcaster = {
  type: 'MeterReadingRecorded',
  fromVersion: 1,
  upcast: liftCapture,
};

export const vehicleEntryRecordedV1ToV2: Upcaster = {
  type: 'VehicleEntryRecorded',
  fromVersion: 1,
  upcast: liftCapture,
};
