/** What the command side counts for operators (Prometheus in production; absent in some tests). */
export const DOMAIN_METRICS = Symbol('DOMAIN_METRICS');

export interface DomainMetrics {
  /** A reading or entry recorded, and whether it was captured for training. */
  readingRecorded(labels: { source_system: string; captured: string }): void;
  /** One OCR read: its latency in seconds and its calibrated confidence. */
  ocrRead(labels: { engine: string; mode: string }, seconds: number, confidence: number): void;
  /** A conflict prediction recorded. */
  predictionRecorded(labels: { model_version: string; risk_level: string }): void;
}
