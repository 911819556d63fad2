import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../src/domain/shared/clock';
import { EventData, NewEvent } from '../../src/domain/shared/events';
import { deterministicUuid } from '../../src/domain/shared/ids';
import { UpcasterRegistry } from '../../src/domain/shared/upcasting';
import { redactPii } from '../../src/domain/training/redaction';
import { trainingExampleDecider } from '../../src/domain/training/training-example.decider';
import { UPCASTERS } from '../../src/domain/upcasters';
import { EVENT_STORE, EventStore } from '../../src/ports/event-store.port';
import { trainingExamplesProjection } from '../../src/projections/training-examples/training-examples.projection';
import { TestApp, startTestApp } from '../support/app';
import { ProjectionInfo, projections, rebuildAll, snapshotReadModels, waitQuiet } from '../support/read-models';
import { seededRandom } from '../support/photos';
import { call } from '../readings/readings-helpers';
import { RunAnswer, ScriptedOcrEngine } from '../training/training-helpers';
import { AuditedEvent, streamEvents, verifyStream } from './support/log';

jest.setTimeout(300_000);

const START = '2026-01-07T10:00:00.000Z';
const N = 12;
const registry = new UpcasterRegistry(UPCASTERS);

interface Fixture {
  exampleId: string;
  sourceId: string;
  imageHash: string;
  ocrText: string;
  confidence: number;
  features: number[];
  phash: string;
  occurredAt: string;
  correction: string | null;
}

/** Captures of varied certainty and look, some with PII in the OCR text, a third corrected later. */
const fixtures: Fixture[] = Array.from({ length: N }, (_, i) => {
  const random = seededRandom(1000 + i);
  const bits = Array.from({ length: 64 }, () => (random() < 0.5 ? 0 : 1));
  return {
    exampleId: `mr_sc-${i}`,
    sourceId: `sc-${i}`,
    imageHash: deterministicUuid(`image:${i}`).replace(/-/g, '').padEnd(64, '0'),
    ocrText: i % 4 === 1 ? `00${i}7 call +44 20 7946 09${10 + i}` : `00${i}7`,
    confidence: Math.round(random() * 100) / 100,
    features: [...bits, random(), random(), random(), random()],
    phash: parseInt(bits.slice(0, 32).join(''), 2).toString(16).padStart(8, '0') + parseInt(bits.slice(32).join(''), 2).toString(16).padStart(8, '0'),
    occurredAt: new Date(Date.parse(START) - (N - i) * 3_600_000).toISOString(),
    correction: i % 3 === 0 ? `00${i}8` : null,
  };
});

const metadata = (f: Fixture, schemaVersion: number, actorId = 'saga:capture') => ({ tenantId: 'acme', actorId, correlationId: `c-${f.sourceId}`, causationId: null, occurredAt: f.occurredAt, schemaVersion });

/** Exactly what the code wrote before the change (see the decider at 337cb91): schemaVersion 1. */
function capturedV1(f: Fixture): NewEvent {
  const confidence = f.confidence;
  const data: EventData = { exampleId: f.exampleId, sourceSystem: 'meter_reading', sourceId: f.sourceId, imageHash: f.imageHash, rawText: redactPii(f.ocrText).text, confidence, uncertaintyScore: 1 - confidence, features: [...f.features], phash: f.phash };
  return { eventId: deterministicUuid(`capture:${f.sourceId}`), type: 'TrainingExampleCaptured', data, metadata: metadata(f, 1) };
}

/** What the code writes now: the decider's own event, at the registry's current version. */
function capturedV2(f: Fixture): NewEvent {
  const [event] = trainingExampleDecider.decide(
    { type: 'CaptureTrainingExample', exampleId: f.exampleId, sourceSystem: 'meter_reading', sourceId: f.sourceId, imageHash: f.imageHash, rawText: f.ocrText, confidence: f.confidence, features: f.features, phash: f.phash },
    trainingExampleDecider.initialState,
  );
  return { eventId: deterministicUuid(`capture:${f.sourceId}`), type: event.type, data: event.data, metadata: metadata(f, registry.currentVersion(event.type)) };
}

/** A correction: an event type that did not change, the same in both logs. */
function corrected(f: Fixture): NewEvent {
  const data: EventData = { exampleId: f.exampleId, sourceSystem: 'meter_reading', sourceId: f.sourceId, correctionId: `corr-${f.sourceId}`, groundTruthText: f.correction, correctionType: 'OCR_ERROR', uncertaintyScore: 1 };
  return { eventId: deterministicUuid(`correct:${f.sourceId}`), type: 'TrainingExampleCorrected', data, metadata: { ...metadata(f, 1, 'lab-1'), occurredAt: new Date(Date.parse(f.occurredAt) + 60_000).toISOString() } };
}

interface Observed {
  stored: AuditedEvent;
  examples: unknown;
  details: unknown[];
  run: RunAnswer;
  afterRun: unknown;
  readModels: Record<string, Record<string, unknown>>;
  verified: { valid: boolean; events_checked: number; first_broken_revision: number | null }[];
  upgrade?: { before: ProjectionInfo; after: ProjectionInfo; servedDuring: number[] };
}

const setProjectionVersion = (version: number) => {
  (trainingExamplesProjection as { version: number }).version = version;
};

/**
 * One log, one service life: append the captures as the given schema version through the
 * EVENT_STORE port, then ask what a user would ask. With `upgradeFrom`, the read model is first
 * built under that older projection version and the service restarted on the current one, as a
 * deployment of this change would find it.
 */
async function observe(schema: 'v1' | 'v2', upgradeFrom?: number): Promise<Observed> {
  const dataDir = mkdtempSync(join(tmpdir(), `schema-${schema}-`));
  const current = trainingExamplesProjection.version;
  let app: TestApp | null = null;
  try {
    if (upgradeFrom !== undefined) setProjectionVersion(upgradeFrom);
    app = await startTestApp({ clock: new ManualClock(START), ocrEngine: new ScriptedOcrEngine(), dataDir });
    const ops = app.token({ sub: 'ops', tenant: 'acme', roles: ['ops'] });
    const labeler = app.token({ sub: 'lab-1', tenant: 'acme', roles: ['labeler'] });
    const engineer = app.token({ sub: 'eng', tenant: 'acme', roles: ['ml_engineer'] });
    const auditor = app.token({ sub: 'aud', tenant: 'acme', roles: ['auditor'] });
    const store = app.app.get<EventStore>(EVENT_STORE);
    for (const f of fixtures) await store.append(`example-${f.exampleId}`, [schema === 'v1' ? capturedV1(f) : capturedV2(f)], 'no_stream');
    for (const f of fixtures) if (f.correction) await store.append(`example-${f.exampleId}`, [corrected(f)], 0);
    await waitQuiet(app.baseUrl, ops);

    let upgrade: Observed['upgrade'];
    if (upgradeFrom !== undefined) {
      const before = (await projections(app.baseUrl, ops)).find((p) => p.name === 'training-examples') as ProjectionInfo;
      setProjectionVersion(current);
      await app.restart();
      // The old generation keeps answering while the new version is built beside it.
      const servedDuring: number[] = [];
      let after: ProjectionInfo | undefined;
      for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
        servedDuring.push((await call(app, 'GET', '/api/v2/ml-training/examples?limit=500', { token: labeler })).status);
        after = (await projections(app.baseUrl, ops)).find((p) => p.name === 'training-examples');
        if (after && !after.building && after.version === current && after.status === 'live') break;
        await new Promise((r) => setTimeout(r, 100));
      }
      upgrade = { before, after: after as ProjectionInfo, servedDuring };
      await waitQuiet(app.baseUrl, ops);
    }

    const stored = (await streamEvents(app, auditor, `example-${fixtures[1].exampleId}`))[0];
    const examples = (await call(app, 'GET', '/api/v2/ml-training/examples?limit=500', { token: labeler })).body;
    const details = [];
    for (const f of fixtures) details.push((await call(app, 'GET', `/api/v2/ml-training/examples/${f.exampleId}`, { token: labeler })).body);
    const run = (await call<RunAnswer>(app, 'POST', '/api/v2/ml-training/active-learning/run', { token: engineer, json: { batch_size: 5 } })).body;
    // Commands on a stream that starts with a stored v1 event: the chain continues from its hash.
    const task = run.selected[0].task_id;
    expect((await call(app, 'POST', `/api/v2/ml-training/labeling-tasks/${task}/claim`, { token: labeler })).status).toBe(200);
    expect((await call(app, 'POST', `/api/v2/ml-training/labeling-tasks/${task}/submit`, { token: labeler, json: { label: '0017' } })).status).toBe(200);
    await waitQuiet(app.baseUrl, ops);
    const afterRun = (await call(app, 'GET', '/api/v2/ml-training/examples?limit=500', { token: labeler })).body;
    const readModels = snapshotReadModels(app.dataDir, await projections(app.baseUrl, ops));
    await rebuildAll(app.baseUrl, ops);
    await waitQuiet(app.baseUrl, ops);
    expect(snapshotReadModels(app.dataDir, await projections(app.baseUrl, ops))).toEqual(readModels);
    expect((await call(app, 'GET', '/api/v2/ml-training/examples?limit=500', { token: labeler })).body).toEqual(afterRun);
    const verified = [];
    for (const f of fixtures) verified.push(await verifyStream(app, auditor, `example-${f.exampleId}`));
    return { stored, examples, details, run, afterRun, readModels, verified, upgrade };
  } finally {
    setProjectionVersion(current);
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * TrainingExampleCaptured went to schemaVersion 2. A log written with v1 events (as the code wrote
 * them before) and one written with v2 events replay, rebuild and answer identically; the stored
 * v1 events are returned and verified as stored; the projection's version bump rebuilt blue/green.
 */
describe('schema change: TrainingExampleCaptured v1 → v2', () => {
  let v1: Observed;
  let v2: Observed;

  beforeAll(async () => {
    v1 = await observe('v1', 1);
    v2 = await observe('v2');
  });

  it('writes new captures as v2: the decider emits the v2 shape and the registry names version 2', () => {
    expect(capturedV2(fixtures[1]).metadata.schemaVersion).toBe(2);
    expect(Object.keys(capturedV2(fixtures[1]).data).sort()).toEqual(['confidence', 'diversity', 'exampleId', 'imageHash', 'redactedText', 'sourceId', 'sourceSystem', 'uncertaintyScore']);
    expect(registry.upcast({ ...capturedV1(fixtures[1]), stream: 's', revision: 0, position: 1, recordedAt: START }).data).toEqual(capturedV2(fixtures[1]).data);
  });

  it('audit answers events as stored: the v1 log keeps rawText/features/phash at schemaVersion 1', () => {
    expect(v1.stored.metadata.schemaVersion).toBe(1);
    expect(v1.stored.data).toEqual(capturedV1(fixtures[1]).data);
    expect(v1.stored.data.rawText).toContain('[PHONE]');
    expect(v2.stored.metadata.schemaVersion).toBe(2);
    expect(v2.stored.data).toEqual(capturedV2(fixtures[1]).data);
  });

  it('the stored v1 events keep valid hashes, before and after commands appended to their streams', () => {
    expect(v1.verified.every((v) => v.valid && v.first_broken_revision === null)).toBe(true);
    expect(v1.verified.map((v) => v.events_checked)).toEqual(v2.verified.map((v) => v.events_checked));
    expect(v1.verified.reduce((n, v) => n + v.events_checked, 0)).toBeGreaterThan(N + 4);
  });

  it('GET examples (list and each detail) answers the same for both logs', () => {
    expect((v1.examples as { items: unknown[] }).items).toHaveLength(N);
    expect(v1.examples).toEqual(v2.examples);
    expect(v1.details).toEqual(v2.details);
    expect(v1.details[1]).toMatchObject({ raw_text: expect.stringContaining('[PHONE]'), phash: fixtures[1].phash, features: fixtures[1].features });
  });

  it('an active-learning run selects the same examples, in the same order, with the same scores', () => {
    expect(v1.run.selected.length).toBe(5);
    expect(v1.run).toEqual(v2.run);
    expect(v1.afterRun).toEqual(v2.afterRun);
  });

  it('every read model, live and after a full rebuild, is the same for both logs', () => {
    expect(Object.keys(v1.readModels).length).toBeGreaterThan(5);
    expect(v1.readModels).toEqual(v2.readModels);
  });

  it('the projection version bump rebuilt training-examples blue/green while the old generation answered', () => {
    const up = v1.upgrade as NonNullable<Observed['upgrade']>;
    expect(up.before).toMatchObject({ version: 1, collections: ['training_examples__v1_g1'] });
    expect(up.after).toMatchObject({ version: trainingExamplesProjection.version, status: 'live', collections: [`training_examples__v${trainingExamplesProjection.version}_g2`] });
    expect(up.servedDuring.every((s) => s === 200)).toBe(true);
  });
});
