/**
 * Shared by the races suites (test/faults/races-*.spec.ts): a service whose commands really overlap,
 * the rule every burst's answers follow, and an independent fold of a labeling task's stream.
 */
import { ConcurrencyError } from '../../../src/domain/shared/errors';
import { EVENT_STORE, EventStore } from '../../../src/ports/event-store.port';
import { TestApp, startTestApp } from '../../support/app';
import { projections, rebuildAll, snapshotReadModels, waitQuiet } from '../../support/read-models';
import { renderMeterPhoto } from '../../support/photos';
import { call } from '../../readings/readings-helpers';
import { ScriptedOcrEngine, uploadMeter } from '../../training/training-helpers';
import { AuditedEvent } from './log';

export const N = 100;
const ok = (s: number) => s >= 200 && s < 300;

/** Every answer of a burst: 2xx or 409, never a 5xx (nor any other 4xx: the requests are valid). */
export function expectOnly2xxOr409(statuses: readonly number[]): void {
  expect(statuses.filter((s) => !ok(s) && s !== 409)).toEqual([]);
}

export interface TaskFold {
  status: 'open' | 'claimed' | 'completed' | 'skipped';
  holder: string | null;
  lease: string | null;
  closedBy: string | null;
  label: string | null;
}

/**
 * The task's state from its stream, folded here independently of the app: throws on a transition
 * the rules forbid (two holders, an action by a non-holder, anything after completion or skip).
 */
export function foldTask(events: readonly AuditedEvent[]): TaskFold {
  let s: TaskFold | null = null;
  for (const e of events) {
    const d = e.data as Record<string, string>;
    const illegal = () => new Error(`illegal ${e.type} by ${d.labelerId} at revision ${e.revision} in state ${JSON.stringify(s)}`);
    if (e.type === 'LabelingTaskCreated') {
      if (s) throw illegal();
      s = { status: 'open', holder: null, lease: null, closedBy: null, label: null };
      continue;
    }
    if (!s) throw illegal();
    switch (e.type) {
      case 'LabelingTaskClaimed':
        if (s.status !== 'open') throw illegal();
        s = { ...s, status: 'claimed', holder: d.labelerId, lease: d.leaseExpiresAt };
        break;
      case 'LabelingTaskLeaseExtended':
        if (s.status !== 'claimed' || s.holder !== d.labelerId) throw illegal();
        s = { ...s, lease: d.leaseExpiresAt };
        break;
      case 'LabelingTaskReleased':
        if (s.status !== 'claimed' || s.holder !== d.labelerId) throw illegal();
        s = { ...s, status: 'open', holder: null, lease: null };
        break;
      case 'LabelingTaskCompleted':
      case 'LabelingTaskSkipped':
        if (s.status !== 'claimed' || s.holder !== d.labelerId) throw illegal();
        s = { status: e.type === 'LabelingTaskCompleted' ? 'completed' : 'skipped', holder: null, lease: null, closedBy: d.labelerId, label: e.type === 'LabelingTaskCompleted' ? d.label : null };
        break;
      default:
        throw new Error(`unexpected ${e.type} in a task stream`);
    }
  }
  if (!s) throw new Error('empty task stream');
  return s;
}

/** A suite's service and tokens; `readings` and `figures` are filled in place, `conflicts` counts on. */
export interface RacingApp {
  app: TestApp;
  guard: string;
  engineer: string;
  auditor: string;
  ops: string;
  readings: string[];
  figures: Record<string, unknown>;
  /** Appends refused by the expected-revision check: proof the requests really overlapped. */
  conflicts: number;
  labeler(i: number): string;
  correct(token: string, sourceId: string, text: string, key?: string): ReturnType<typeof call<{ correction_id: string; position: string }>>;
}

/**
 * Starts the service before the suite's tests (with `readings` confident meter readings uploaded)
 * and closes it after, logging the suite's figures.
 */
export function useRacingApp(readingCount: number): RacingApp {
  const ocr = new ScriptedOcrEngine();
  const race = {
    readings: [] as string[],
    figures: {} as Record<string, unknown>,
    conflicts: 0,
    labeler: (i: number) => race.app.token({ sub: `lab-${i}`, tenant: 'acme', roles: ['labeler'] }),
    correct: (token: string, sourceId: string, text: string, key?: string) =>
      call<{ correction_id: string; position: string }>(race.app, 'POST', '/api/v2/ml-training/corrections/', {
        token,
        json: { source_type: 'meter_reading', source_id: sourceId, corrected_text: text, correction_type: 'OCR_ERROR' },
        headers: key ? { 'idempotency-key': key } : undefined,
      }),
  } as RacingApp;

  beforeAll(async () => {
    const app = (race.app = await startTestApp({ ocrEngine: ocr }));
    // In one process a read → decide → append rarely yields to the event loop, so requests would
    // mostly run one after another. Pause 20 ms after every stream read: each command then decides on a
    // revision others may already have moved past, and the expected-revision check must catch it.
    const store = app.app.get<EventStore>(EVENT_STORE);
    const read = store.readStream.bind(store);
    store.readStream = async (stream, options) => {
      const events = await read(stream, options);
      await new Promise((resolve) => setTimeout(resolve, 20));
      return events;
    };
    const append = store.append.bind(store);
    store.append = async (stream, events, expected) => {
      try {
        return await append(stream, events, expected);
      } catch (error) {
        if (error instanceof ConcurrencyError) race.conflicts += 1;
        throw error;
      }
    };
    race.guard = app.token({ sub: 'g1', tenant: 'acme', roles: ['guard'] });
    race.engineer = app.token({ sub: 'eng', tenant: 'acme', roles: ['ml_engineer'] });
    race.auditor = app.token({ sub: 'aud', tenant: 'acme', roles: ['auditor'] });
    race.ops = app.token({ sub: 'ops', tenant: 'acme', roles: ['ops'] });
    // Confident readings (the scripted engine's default): no capture, the corrections make the examples.
    for (let i = 0; i < readingCount; i++) race.readings.push(await uploadMeter(app, race.guard, await renderMeterPhoto(String(1000 + i * 137)), `meter-${i}`));
  });
  afterAll(async () => {
    console.log(`races figures: ${JSON.stringify({ ...race.figures, appendConflictsRetried: race.conflicts })}`);
    await race.app.close();
  });
  return race;
}

/** After the races: every read model equals a blue/green rebuild from the log. */
export async function expectReadModelsEqualRebuild({ app, ops, figures }: RacingApp): Promise<void> {
  await waitQuiet(app.baseUrl, ops);
  const live = snapshotReadModels(app.dataDir, await projections(app.baseUrl, ops));
  const started = Date.now();
  await rebuildAll(app.baseUrl, ops);
  figures.rebuildMs = Date.now() - started;
  await waitQuiet(app.baseUrl, ops);
  expect(snapshotReadModels(app.dataDir, await projections(app.baseUrl, ops))).toEqual(live);
}
