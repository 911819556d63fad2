import { EventData } from '../shared/events';
import { Upcaster } from '../shared/upcasting';
import { TrainingExampleCaptured, TrainingExampleCapturedV1Data } from './training-example.events';

/**
 * TrainingExampleCaptured v1 → v2: `rawText` becomes `redactedText` (it always was redacted), and
 * `phash` + `features` become `diversity: { phash, vector }`. Pure: same input, same output, the
 * input untouched; other fields pass through, so the stored event loses nothing.
 */
export const trainingExampleCapturedV1ToV2: Upcaster = {
  type: 'TrainingExampleCaptured',
  fromVersion: 1,
  upcast(data: EventData): EventData {
    const { rawText, features, phash, ...rest } = data as unknown as TrainingExampleCapturedV1Data;
    const v2: TrainingExampleCaptured['data'] = { ...rest, redactedText: rawText, diversity: { phash, vector: [...features] } };
    return v2;
  },
};
