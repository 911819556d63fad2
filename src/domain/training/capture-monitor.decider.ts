import { Decider } from '../shared/decider';
import { assertNever } from '../shared/errors';
import { CAPTURE_STALL_WINDOW_HOURS, CaptureMonitorEvent } from './capture-monitor.events';

/** What the monitoring read model knows about one tenant's flow of readings and captures. */
export interface CaptureFlow {
  readonly lastCaptureAt: string | null;
  readonly lastReadingAt: string | null;
  /** Readings recorded after the last capture (all readings when there was none). */
  readonly readingsSinceCapture: number;
  readonly firstReadingSinceCaptureAt: string | null;
}

export type CaptureMonitorState =
  | { readonly status: 'ok' }
  | { readonly status: 'stalled'; readonly detectedAt: string; readonly lastCaptureAt: string | null; readonly readingsSinceCapture: number; readonly lastReadingAt: string };

export type CaptureMonitorCommand =
  | { readonly kind: 'evaluate'; readonly tenantId: string; readonly flow: CaptureFlow; readonly at: string }
  | { readonly kind: 'observe_capture'; readonly tenantId: string; readonly capturedAt: string; readonly at: string };

const HOUR_MS = 3_600_000;

/**
 * The stall rule: for a whole window no example was captured (since the last capture, or since
 * readings began when there never was one) while readings kept arriving (one inside the window).
 */
export function captureStalled(flow: CaptureFlow, at: string, windowHours = CAPTURE_STALL_WINDOW_HOURS): boolean {
  if (flow.readingsSinceCapture === 0 || flow.lastReadingAt === null) return false;
  const now = Date.parse(at);
  const window = windowHours * HOUR_MS;
  const quietSince = flow.lastCaptureAt ?? flow.firstReadingSinceCaptureAt;
  if (quietSince === null) return false;
  return now - Date.parse(quietSince) >= window && now - Date.parse(flow.lastReadingAt) < window;
}

function resumed(state: Extract<CaptureMonitorState, { status: 'stalled' }>, capturedAt: string | null): boolean {
  if (capturedAt === null) return false;
  return state.lastCaptureAt === null || Date.parse(capturedAt) > Date.parse(state.lastCaptureAt);
}

export const captureMonitorDecider: Decider<CaptureMonitorState, CaptureMonitorCommand, CaptureMonitorEvent> = {
  initialState: { status: 'ok' },

  evolve(_state, event) {
    switch (event.type) {
      case 'CaptureStalled':
        return {
          status: 'stalled',
          detectedAt: event.data.detectedAt,
          lastCaptureAt: event.data.lastCaptureAt,
          readingsSinceCapture: event.data.readingsSinceCapture,
          lastReadingAt: event.data.lastReadingAt,
        };
      case 'CaptureResumed':
        return { status: 'ok' };
      default:
        return assertNever(event, 'capture monitor event');
    }
  },

  decide(command, state) {
    switch (command.kind) {
      case 'evaluate': {
        const { flow, at, tenantId } = command;
        if (state.status === 'stalled') {
          return resumed(state, flow.lastCaptureAt)
            ? [{ type: 'CaptureResumed', data: { tenantId, capturedAt: flow.lastCaptureAt as string, clearedAt: at, stalledSince: state.detectedAt } }]
            : [];
        }
        if (!captureStalled(flow, at)) return [];
        return [
          {
            type: 'CaptureStalled',
            data: {
              tenantId,
              detectedAt: at,
              lastCaptureAt: flow.lastCaptureAt,
              lastReadingAt: flow.lastReadingAt as string,
              readingsSinceCapture: flow.readingsSinceCapture,
              windowHours: CAPTURE_STALL_WINDOW_HOURS,
            },
          },
        ];
      }
      case 'observe_capture':
        if (state.status !== 'stalled' || !resumed(state, command.capturedAt)) return [];
        return [{ type: 'CaptureResumed', data: { tenantId: command.tenantId, capturedAt: command.capturedAt, clearedAt: command.at, stalledSince: state.detectedAt } }];
      default:
        return assertNever(command, 'capture monitor command');
    }
  },
};
