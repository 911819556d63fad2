import { ConflictModelParameters } from '../../src/ml/train-conflict-model';
import { exportConflictModelToOnnx } from '../../src/ml/onnx-export';
import { ConcurrencyError } from '../../src/domain/shared/errors';
import { EVENT_STORE, EventStore } from '../../src/ports/event-store.port';
import { TestApp, startTestApp } from '../support/app';
import { projections, rebuildAll, snapshotReadModels, waitQuiet } from '../support/read-models';
import { renderMeterPhoto } from '../support/photos';
import { call } from '../readings/readings-helpers';
import { ScriptedOcrEngine, backlog, runActiveLearning, uploadMeter } from '../training/training-helpers';
import { AuditedEvent, streamEvents, tally } from './support/log';

jest.setTimeout(300_000);

const N = 100;
const ok = (s: number) => s >= 200 && s < 300;

/** Every answer of a burst: 2xx or 409, never a 5xx (nor any other 4xx: the requests are valid). */
function expectOnly2xxOr409(statuses: readonly number[]): void {
  expect(statuses.filter((s) => !ok(s) && s !== 409)).toEqual([]);
}

interface TaskFold {
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
function foldTask(events: readonly AuditedEvent[]): TaskFold {
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

/**
 * Races on one record at a time: 100 corrections of one reading, 100 labelers claiming one task,
 * submit/skip/release/claim mixes on a held task, concurrent model activations. Each request ends
 * in 2xx or 409, and the final state (GET answers, read models) is what the log says, folded here
 * from the audit endpoints and again by a blue/green rebuild of every projection.
 */
describe('races on the same records', () => {
  const ocr = new ScriptedOcrEngine();
  let app: TestApp;
  let guard: string;
  let engineer: string;
  let auditor: string;
  let ops: string;
  const labeler = (i: number) => app.token({ sub: `lab-${i}`, tenant: 'acme', roles: ['labeler'] });
  const readings: string[] = [];
  const figures: Record<string, unknown> = {};
  /** Appends refused by the expected-revision check: proof the requests really overlapped. */
  let conflicts = 0;

  beforeAll(async () => {
    app = await startTestApp({ ocrEngine: ocr });
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
        if (error instanceof ConcurrencyError) conflicts += 1;
        throw error;
      }
    };
    guard = app.token({ sub: 'g1', tenant: 'acme', roles: ['guard'] });
    engineer = app.token({ sub: 'eng', tenant: 'acme', roles: ['ml_engineer'] });
    auditor = app.token({ sub: 'aud', tenant: 'acme', roles: ['auditor'] });
    ops = app.token({ sub: 'ops', tenant: 'acme', roles: ['ops'] });
    // Confident readings (the scripted engine's default): no capture, the corrections make the examples.
    for (let i = 0; i < 8; i++) readings.push(await uploadMeter(app, guard, await renderMeterPhoto(String(1000 + i * 137)), `meter-${i}`));
  });
  afterAll(async () => {
    console.log(`races figures: ${JSON.stringify({ ...figures, appendConflictsRetried: conflicts })}`);
    await app.close();
  });

  const correct = (token: string, sourceId: string, text: string, key?: string) =>
    call<{ correction_id: string; position: string }>(app, 'POST', '/api/v2/ml-training/corrections/', {
      token,
      json: { source_type: 'meter_reading', source_id: sourceId, corrected_text: text, correction_type: 'OCR_ERROR' },
      headers: key ? { 'idempotency-key': key } : undefined,
    });

  it('100 concurrent corrections of one reading: all 201 (corrections commute), and reading and example are exactly what their streams say', async () => {
    const source = readings[0];
    const before = conflicts;
    const answers = await Promise.all(Array.from({ length: N }, (_, i) => correct(i % 2 ? guard : labeler(i), source, `${2000 + i}`)));
    const statuses = answers.map((a) => a.status);
    expectOnly2xxOr409(statuses);
    // Commands on one stream queue in the process: no correction is refused for arriving at the same time as another.
    expect(statuses.filter((s) => s !== 201)).toEqual([]);
    figures.corrections = { ...tally(statuses), appendConflictsRetried: conflicts - before };
    const acknowledged = answers.filter((a) => a.status === 201).map((a) => a.body.correction_id);
    expect(new Set(acknowledged).size).toBe(acknowledged.length);
    await waitQuiet(app.baseUrl, ops);

    // Reading stream: exactly one CorrectionSubmitted per 201, none for a 409.
    const readingLog = await streamEvents(app, auditor, `reading-${source}`);
    const submitted = readingLog.filter((e) => e.type === 'CorrectionSubmitted');
    expect(submitted.map((e) => e.data.correctionId).sort()).toEqual([...acknowledged].sort());
    const reading = await call<{ corrections: { correction_id: string; corrected_text: string }[]; corrected_text: string | null }>(app, 'GET', `/api/v2/meter-readings/${source}`, { token: guard });
    expect(reading.body.corrections.map((c) => [c.correction_id, c.corrected_text])).toEqual(submitted.map((e) => [e.data.correctionId, e.data.correctedText]));
    expect(reading.body.corrected_text).toBe(submitted[submitted.length - 1].data.correctedText);

    // Example stream: each correction applied once (inline or by the saga), in some order; the GET is its fold.
    const exampleLog = await streamEvents(app, auditor, `example-mr_${source}`);
    const corrected = exampleLog.filter((e) => e.type === 'TrainingExampleCorrected');
    expect(corrected.map((e) => e.data.correctionId).sort()).toEqual([...acknowledged].sort());
    const example = await call<{ status: string; correction_ids: string[]; ground_truth_text: string; corrected: boolean }>(app, 'GET', `/api/v2/ml-training/examples/mr_${source}`, { token: labeler(0) });
    expect(example.body).toMatchObject({ status: 'corrected', corrected: true, correction_ids: corrected.map((e) => e.data.correctionId), ground_truth_text: corrected[corrected.length - 1].data.groundTruthText });
  });

  it('50 concurrent retries with one Idempotency-Key: one correction in the log, every 201 names it', async () => {
    const source = readings[1];
    const token = labeler(1);
    const answers = await Promise.all(Array.from({ length: 50 }, () => correct(token, source, '4242', 'retry-key-1')));
    expectOnly2xxOr409(answers.map((a) => a.status));
    figures.idempotentRetries = tally(answers.map((a) => a.status));
    const ids = new Set(answers.filter((a) => a.status === 201).map((a) => a.body.correction_id));
    expect(ids.size).toBe(1);
    await waitQuiet(app.baseUrl, ops);
    const submitted = (await streamEvents(app, auditor, `reading-${source}`)).filter((e) => e.type === 'CorrectionSubmitted');
    expect(submitted.map((e) => e.data.correctionId)).toEqual([...ids]);
    expect((await streamEvents(app, auditor, `example-mr_${source}`)).filter((e) => e.type === 'TrainingExampleCorrected')).toHaveLength(1);
  });

  describe('labeling tasks', () => {
    let tasks: { task_id: string; example_id: string }[];

    beforeAll(async () => {
      for (const r of readings.slice(2)) expect((await correct(guard, r, '7777')).status).toBe(201);
      // The run selects from the training-examples read model: let it catch up with the corrections.
      await waitQuiet(app.baseUrl, ops);
      const run = await runActiveLearning(app, engineer, readings.length);
      expect(run.selected).toHaveLength(readings.length);
      tasks = (await backlog(app, labeler(0), run.position)).items;
      expect(tasks).toHaveLength(readings.length);
    });

    it('100 labelers claim one task at once: exactly one wins, 99 get 409, one claim in the log', async () => {
      const task = tasks[0].task_id;
      const before = conflicts;
      const answers = await Promise.all(Array.from({ length: N }, (_, i) => call<{ claimed_by: string }>(app, 'POST', `/api/v2/ml-training/labeling-tasks/${task}/claim`, { token: labeler(i) })));
      const statuses = answers.map((a) => a.status);
      expectOnly2xxOr409(statuses);
      figures.claims = { ...tally(statuses), appendConflictsRetried: conflicts - before };
      const winners = answers.map((a, i) => (a.status === 200 ? i : -1)).filter((i) => i >= 0);
      expect(winners).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(N - 1);
      const log = await streamEvents(app, auditor, `labeling_task-${task}`);
      expect(log.filter((e) => e.type === 'LabelingTaskClaimed').map((e) => e.data.labelerId)).toEqual([`lab-${winners[0]}`]);
      expect(foldTask(log)).toMatchObject({ status: 'claimed', holder: `lab-${winners[0]}` });
      const open = await backlog(app, labeler(0));
      expect(open.items.find((t) => t.task_id === task)).toMatchObject({ status: 'claimed', claimed_by: `lab-${winners[0]}` });
    });

    it('concurrent submit/skip/release/claim mixes on held tasks: 200 or 409, every 200 agrees with the log, GETs are its fold', async () => {
      const mixed = tasks.slice(1);
      const holder = (t: number) => 10 + t;
      for (const [t, task] of mixed.entries()) expect((await call(app, 'POST', `/api/v2/ml-training/labeling-tasks/${task.task_id}/claim`, { token: labeler(holder(t)) })).status).toBe(200);
      type Sent = { task: number; labeler: number; action: string; label?: string };
      const plan: Sent[] = [];
      for (let t = 0; t < mixed.length; t++) {
        for (let k = 0; k < 24; k++) {
          const own = k % 3 !== 2;
          const action = ['submit', 'skip', 'release', 'claim'][(k + t) % 4];
          plan.push({ task: t, labeler: own ? holder(t) : 50 + k, action, label: action === 'submit' ? `L${t}-${k % 2}` : undefined });
        }
      }
      const answers = await Promise.all(
        plan.map((p) =>
          call<{ status: string; claimed_by: string | null; label?: string; lease_expires_at: string | null }>(app, 'POST', `/api/v2/ml-training/labeling-tasks/${mixed[p.task].task_id}/${p.action}`, {
            token: labeler(p.labeler),
            json: p.action === 'submit' ? { label: p.label } : {},
          }),
        ),
      );
      const statuses = answers.map((a) => a.status);
      expectOnly2xxOr409(statuses);
      figures.mixes = { requests: plan.length, ...tally(statuses) };
      await waitQuiet(app.baseUrl, ops);

      const open = await backlog(app, labeler(0));
      for (const [t, task] of mixed.entries()) {
        const log = await streamEvents(app, auditor, `labeling_task-${task.task_id}`);
        const final = foldTask(log);
        const byActor = (type: string, who: number) => log.filter((e) => e.type === type && e.data.labelerId === `lab-${who}`);
        for (const [i, p] of plan.entries()) {
          if (p.task !== t || answers[i].status !== 200) continue;
          const a = answers[i].body;
          // A 200 is backed by an event of that labeler (or was a no-op repeat of one).
          if (p.action === 'submit') expect(final).toMatchObject({ status: 'completed', closedBy: `lab-${p.labeler}`, label: p.label });
          if (p.action === 'skip') expect(final).toMatchObject({ status: 'skipped', closedBy: `lab-${p.labeler}` });
          if (p.action === 'release') expect(byActor('LabelingTaskReleased', p.labeler).length).toBeGreaterThan(0);
          if (p.action === 'claim') expect([...byActor('LabelingTaskClaimed', p.labeler), ...byActor('LabelingTaskLeaseExtended', p.labeler)].map((e) => e.data.leaseExpiresAt)).toContain(a.lease_expires_at);
        }
        // Events appended never outnumber the 200s that could have caused them.
        const oks = plan.filter((p, i) => p.task === t && answers[i].status === 200).length;
        expect(log.length - 2).toBeLessThanOrEqual(oks);
        const inBacklog = open.items.find((x) => x.task_id === task.task_id);
        if (final.status === 'completed' || final.status === 'skipped') expect(inBacklog).toBeUndefined();
        else expect(inBacklog).toMatchObject({ status: final.status, claimed_by: final.holder, lease_expires_at: final.lease });
        const example = await call<{ status: string; label: string | null; labeler_id: string | null }>(app, 'GET', `/api/v2/ml-training/examples/${task.example_id}`, { token: labeler(0) });
        const exampleLog = await streamEvents(app, auditor, `example-${task.example_id}`);
        const labeled = exampleLog.filter((e) => e.type === 'TrainingExampleLabeled');
        if (final.status === 'completed') {
          expect(labeled.map((e) => [e.data.label, e.data.labelerId])).toEqual([[final.label, final.closedBy]]);
          expect(example.body).toMatchObject({ status: 'labeled', label: final.label, labeler_id: final.closedBy });
        } else if (final.status === 'skipped') {
          // A skipped task hands its example back to the pool, once, whoever skipped it.
          expect(labeled).toEqual([]);
          expect(exampleLog.filter((e) => e.type === 'TrainingExampleReturned').map((e) => e.data.taskId)).toEqual([task.task_id]);
          expect(example.body).toMatchObject({ status: expect.stringMatching(/^(captured|corrected)$/), label: null, skips: 1 });
        } else {
          expect(labeled).toEqual([]);
          expect(example.body).toMatchObject({ status: 'queued', label: null });
        }
      }
    });
  });

  it('concurrent activations and deactivations of model versions: 200 or 409, one active model at any revision, the pointer is the fold', async () => {
    const versions: string[] = [];
    for (let v = 0; v < 3; v++) {
      const model: ConflictModelParameters = { scaler: { mean: [0, 0, 0, 0, 0], scale: [1, 1, 1, 1, 1] }, coefficients: [0.1 * (v + 1), 0.2, 0.3, 0.4, 0.5], intercept: -v };
      const form = new FormData();
      form.append('model_type', 'conflict_predictor');
      form.append('model', new Blob([exportConflictModelToOnnx(model)]), `m${v}.onnx`);
      const res = await call<{ version: string }>(app, 'POST', '/api/v2/ml/models', { token: engineer, form });
      expect(res.status).toBe(201);
      versions.push(res.body.version);
    }
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) => call(app, 'POST', `/api/v2/ml/models/${versions[i % 3]}/${i % 5 === 4 ? 'deactivate' : 'activate'}`, { token: engineer, json: { model_type: 'conflict_predictor', reason: `race ${i}` } })),
    );
    const statuses = answers.map((a) => a.status);
    expectOnly2xxOr409(statuses);
    figures.activations = tally(statuses);
    await waitQuiet(app.baseUrl, ops);
    const log = await streamEvents(app, auditor, 'model-conflict_predictor');
    let active: string | null = null;
    for (const e of log) {
      if (e.type === 'ModelDeactivated') {
        expect(e.data.version).toBe(active);
        active = null;
      } else if (e.type === 'ModelActivated') {
        expect(active).toBeNull();
        // A switch deactivates the previous model in the same append (same command); a
        // deactivation by its own command leaves no previous version.
        const before = log[log.indexOf(e) - 1];
        const sameAppend = before?.type === 'ModelDeactivated' && before.metadata.correlationId === e.metadata.correlationId;
        expect(e.data.previousVersion ?? null).toBe(sameAppend ? before.data.version : null);
        active = e.data.version as string;
      }
    }
    const pointer = await call<{ version: string | null }>(app, 'GET', '/api/v2/ml/models/active?model_type=conflict_predictor', { token: engineer });
    expect(pointer.body.version).toBe(active);
    const changes = log.filter((e) => e.type === 'ModelActivated' || e.type === 'ModelDeactivated').length;
    expect(changes).toBeLessThanOrEqual(answers.filter((a) => a.status === 200).length * 2);
  });

  it('after all races, every read model equals a blue/green rebuild from the log', async () => {
    await waitQuiet(app.baseUrl, ops);
    const live = snapshotReadModels(app.dataDir, await projections(app.baseUrl, ops));
    const started = Date.now();
    await rebuildAll(app.baseUrl, ops);
    figures.rebuildMs = Date.now() - started;
    await waitQuiet(app.baseUrl, ops);
    expect(snapshotReadModels(app.dataDir, await projections(app.baseUrl, ops))).toEqual(live);
  });
});
