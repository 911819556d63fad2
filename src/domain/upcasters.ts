import { meterReadingRecordedV1ToV2, vehicleEntryRecordedV1ToV2 } from './readings/reading.upcasters';
import { Upcaster } from './shared/upcasting';
import { trainingExampleCapturedV1ToV2 } from './training/training-example.upcasters';

/**
 * Every upcaster of the project, applied on every read path (stream reads, $all, subscriptions).
 * To change an event's shape: add its upcaster here, bump the projections that read it, rebuild.
 * See README, "Changing an event's schema".
 */
export const UPCASTERS: readonly Upcaster[] = [trainingExampleCapturedV1ToV2, meterReadingRecordedV1ToV2, vehicleEntryRecordedV1ToV2];
