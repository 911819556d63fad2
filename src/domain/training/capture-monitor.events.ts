import { DomainEvent } from '../shared/events';

/**
 * Stream `capture_monitor-<tenantId>`: the alert that the OCR capture path may be broken. Raised
 * when readings kept arriving for a whole window but no training example was captured; cleared
 * when capture resumes.
 */
export type CaptureStalled = DomainEvent<
  'CaptureStalled',
  {
    tenantId: string;
    detectedAt: string;
    /** The last capture before the stall; null when the tenant never had one. */
    lastCaptureAt: string | null;
    lastReadingAt: string;
    readingsSinceCapture: number;
    windowHours: number;
  }
>;

export type CaptureResumed = DomainEvent<'CaptureResumed', { tenantId: string; capturedAt: string; clearedAt: string; stalledSince: string }>;

export type CaptureMonitorEvent = CaptureStalled | CaptureResumed;

export const CAPTURE_MONITOR_CATEGORY = 'capture_monitor';
export const CAPTURE_STALL_WINDOW_HOURS = 24;
