/** A tenant's past readings and labels, for the checks at capture; the OCR settings feature binds it. */
export const READING_HISTORY_QUERY = Symbol('READING_HISTORY_QUERY');

/** One past meter reading of an asset and what people said it shows. */
export interface PastMeterReading {
  readonly id: string;
  /** The normalised OCR text. */
  readonly text: string;
  readonly confidence: number;
  readonly recorded_at: string;
  /** The latest label or correction the OCR ground truth holds for it; null with none. */
  readonly truth: string | null;
  /** The text of its last correction; null with none. */
  readonly corrected_text: string | null;
}

export interface ReadingHistoryReader {
  /** The meter readings of one asset of the tenant (store order). */
  meterReadings(tenantId: string, assetId: string): Promise<PastMeterReading[]>;
  /** The truths of the tenant's labeled plates, as stored (sealed); null where a label holds none. */
  labeledPlateTruths(tenantId: string): Promise<(string | null)[]>;
}
