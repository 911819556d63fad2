import { DomainEvent, streamName } from '../shared/events';

/** A tenant's plate formats, on `ocr_settings-<tenant>`: the newest event is the list in force. */
export type PlateFormatsConfigured = DomainEvent<'PlateFormatsConfigured', { tenantId: string; formats: string[]; configuredBy: string }>;

/** An asset's counter, on `asset_counter-<tenant>~<asset>`: how many digits and decimals it shows. */
export type CounterDeclared = DomainEvent<'CounterDeclared', { tenantId: string; assetId: string; digits: number; decimals: number; declaredBy: string }>;

/** The asset's counter was replaced: readings before this no longer bound the next ones. */
export type CounterReplaced = DomainEvent<'CounterReplaced', { tenantId: string; assetId: string; replacedBy: string; replacedAt: string }>;

export type OcrSettingsEvent = PlateFormatsConfigured;
export type CounterEvent = CounterDeclared | CounterReplaced;

export function ocrSettingsStream(tenantId: string): string {
  return streamName('ocr_settings', tenantId);
}

export function assetCounterStream(tenantId: string, assetId: string): string {
  return streamName('asset_counter', `${tenantId}~${assetId}`);
}
