import { CaptureFlow, CaptureMonitorState, captureMonitorDecider as decider, captureStalled } from './capture-monitor.decider';

const h = (hours: number) => new Date(Date.parse('2026-01-05T00:00:00.000Z') + hours * 3_600_000).toISOString();
const flow = (f: Partial<CaptureFlow>): CaptureFlow => ({ lastCaptureAt: null, lastReadingAt: null, readingsSinceCapture: 0, firstReadingSinceCaptureAt: null, ...f });

describe('capture stall rule', () => {
  it('is quiet while captures keep coming or readings stopped too', () => {
    expect(captureStalled(flow({ lastCaptureAt: h(10), lastReadingAt: h(20), readingsSinceCapture: 3, firstReadingSinceCaptureAt: h(11) }), h(30))).toBe(false);
    expect(captureStalled(flow({ lastCaptureAt: h(0), lastReadingAt: h(2), readingsSinceCapture: 3, firstReadingSinceCaptureAt: h(1) }), h(30))).toBe(false);
    expect(captureStalled(flow({ lastCaptureAt: h(0) }), h(30))).toBe(false);
  });

  it('fires after 24 h without a capture while readings arrived inside the window', () => {
    expect(captureStalled(flow({ lastCaptureAt: h(0), lastReadingAt: h(23), readingsSinceCapture: 5, firstReadingSinceCaptureAt: h(1) }), h(24))).toBe(true);
    expect(captureStalled(flow({ lastCaptureAt: h(0), lastReadingAt: h(23), readingsSinceCapture: 5, firstReadingSinceCaptureAt: h(1) }), h(23.9))).toBe(false);
  });

  it('for a tenant that never captured, counts the window from its first reading', () => {
    expect(captureStalled(flow({ lastReadingAt: h(20), readingsSinceCapture: 4, firstReadingSinceCaptureAt: h(0) }), h(23))).toBe(false);
    expect(captureStalled(flow({ lastReadingAt: h(20), readingsSinceCapture: 4, firstReadingSinceCaptureAt: h(0) }), h(24))).toBe(true);
  });
});

describe('capture monitor decider', () => {
  const stalledFlow = flow({ lastCaptureAt: h(0), lastReadingAt: h(25), readingsSinceCapture: 5, firstReadingSinceCaptureAt: h(1) });
  const raise = () => decider.decide({ kind: 'evaluate', tenantId: 'acme', flow: stalledFlow, at: h(26) }, decider.initialState);

  it('raises CaptureStalled once', () => {
    const events = raise();
    expect(events).toEqual([
      { type: 'CaptureStalled', data: { tenantId: 'acme', detectedAt: h(26), lastCaptureAt: h(0), lastReadingAt: h(25), readingsSinceCapture: 5, windowHours: 24 } },
    ]);
    const state = events.reduce(decider.evolve, decider.initialState as CaptureMonitorState);
    expect(decider.decide({ kind: 'evaluate', tenantId: 'acme', flow: stalledFlow, at: h(27) }, state)).toEqual([]);
  });

  it('clears it when a capture newer than the stall arrives, by evaluation or by observing the capture', () => {
    const state = raise().reduce(decider.evolve, decider.initialState as CaptureMonitorState);
    expect(decider.decide({ kind: 'observe_capture', tenantId: 'acme', capturedAt: h(0), at: h(27) }, state)).toEqual([]);
    expect(decider.decide({ kind: 'observe_capture', tenantId: 'acme', capturedAt: h(28), at: h(28) }, state)).toEqual([
      { type: 'CaptureResumed', data: { tenantId: 'acme', capturedAt: h(28), clearedAt: h(28), stalledSince: h(26) } },
    ]);
    const resumedFlow = { ...stalledFlow, lastCaptureAt: h(28), readingsSinceCapture: 0 };
    expect(decider.decide({ kind: 'evaluate', tenantId: 'acme', flow: resumedFlow, at: h(29) }, state)[0].type).toBe('CaptureResumed');
    expect(decider.decide({ kind: 'observe_capture', tenantId: 'acme', capturedAt: h(28), at: h(28) }, decider.initialState)).toEqual([]);
  });

  it('stays raised while readings and captures both stop', () => {
    const state = raise().reduce(decider.evolve, decider.initialState as CaptureMonitorState);
    expect(decider.decide({ kind: 'evaluate', tenantId: 'acme', flow: stalledFlow, at: h(100) }, state)).toEqual([]);
  });
});
