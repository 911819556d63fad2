import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { isSealed } from '../../src/domain/privacy/sealed';
import { ManualClock, MINUTE_MS } from '../../src/domain/shared/clock';
import { SagaRunner } from '../../src/runtime/saga-runner';
import { TestApp, startTestApp } from '../support/app';
import { UNREADABLE_BLUR, renderMeterPhoto, renderPlatePhoto } from '../support/photos';
import { BacklogAnswer, backlog, call, eventsOfType, runActiveLearning, uploadEntry, uploadMeter, waitForExamples } from './training-helpers';
import { checkedFetch } from '../support/wire';

jest.setTimeout(180_000);

interface TaskAnswer {
  task_id: string;
  status: string;
  claimed_by: string | null;
  lease_expires_at: string | null;
  position: string;
}

/** The labeling task lifecycle end to end: real OCR captures blurred photos, a batch makes tasks, labelers work them. */
describe('labeling tasks', () => {
  const clock = new ManualClock('2026-01-06T08:00:00.000Z');
  let app: TestApp;
  let ann: string;
  let bob: string;
  let engineer: string;
  let auditor: string;
  let ops: string;
  let stranger: string;
  let tasks: { task_id: string; example_id: string; source_system: string }[];
  const photoByReading = new Map<string, Buffer>();

  beforeAll(async () => {
    app = await startTestApp({ clock, env: { LABELING_LEASE_MINUTES: '30' } });
    const guard = app.token({ sub: 'g1', tenant: 'acme', roles: ['guard'] });
    ann = app.token({ sub: 'ann', tenant: 'acme', roles: ['labeler'] });
    bob = app.token({ sub: 'bob', tenant: 'acme', roles: ['labeler'] });
    engineer = app.token({ sub: 'eng', tenant: 'acme', roles: ['ml_engineer'] });
    auditor = app.token({ sub: 'aud', tenant: 'acme', roles: ['auditor'] });
    ops = app.token({ sub: 'ops', tenant: 'acme', roles: ['ops'] });
    stranger = app.token({ sub: 'eve', tenant: 'globex', roles: ['labeler', 'ml_engineer'] });
    // Blurred this much, OCR reads little or nothing with low confidence: every photo is captured.
    for (const [i, digits] of ['004512', '873105', '5580'].entries()) {
      const photo = await renderMeterPhoto(digits, { blur: UNREADABLE_BLUR });
      photoByReading.set(await uploadMeter(app, guard, photo, `meter-${i}`), photo);
    }
    const plate = await renderPlatePhoto('KMN4821', { blur: UNREADABLE_BLUR });
    photoByReading.set(await uploadEntry(app, guard, plate), plate);
    await waitForExamples(app, ann, 4);
    const run = await runActiveLearning(app, engineer, 10);
    expect(run.selected).toHaveLength(4);
    tasks = (await backlog(app, ann, run.position)).items;
  });
  afterAll(() => app.close());

  const act = (token: string, taskId: string, action: string, json?: unknown) => call<TaskAnswer & { message?: string }>(app, 'POST', `/api/v2/ml-training/labeling-tasks/${taskId}/${action}`, { token, json });
  const count = async (type: string) => (await eventsOfType(app, auditor, type)).length;

  it('lists open tasks highest priority first, with counts per tenant and source system', async () => {
    const b = await backlog(app, ann);
    expect(b.items).toHaveLength(4);
    const priorities = b.items.map((t) => t.priority);
    expect(priorities).toEqual([...priorities].sort((x, y) => y - x));
    expect(b.counts).toEqual({ tenant_id: 'acme', total: 4, open: 4, claimed: 0, by_source_system: { meter_reading: 3, vehicle_entry: 1 } });
    const vehicles = await call<BacklogAnswer>(app, 'GET', '/api/v2/ml-training/labeling-backlog?source_system=vehicle_entry', { token: ann });
    expect(vehicles.body.items.map((t) => t.source_system)).toEqual(['vehicle_entry']);
  });

  it('serves the photo to labelers, with its sniffed content type', async () => {
    const example = (await waitForExamples(app, ann, 4)).find((e) => e.example_id === tasks[0].example_id);
    const res = await checkedFetch(app.baseUrl, `/api/v2/ml-training/examples/${tasks[0].example_id}/image`, { headers: { authorization: `Bearer ${ann}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(createHash('sha256').update(photoByReading.get(example?.source_id ?? '') as Buffer).digest('hex'));
    const guard = app.token({ sub: 'g2', tenant: 'acme', roles: ['guard'] });
    expect((await call(app, 'GET', `/api/v2/ml-training/examples/${tasks[0].example_id}/image`, { token: guard })).status).toBe(403);
    expect((await call(app, 'GET', `/api/v2/ml-training/examples/${tasks[0].example_id}/image`, { token: stranger })).status).toBe(404);
    expect((await call(app, 'GET', '/api/v2/ml-training/examples/mr_nope/image', { token: ann })).status).toBe(404);
  });

  it('claim gives a lease; another labeler gets 409; re-claiming your own extends it', async () => {
    const t = tasks[0].task_id;
    const claimed = await act(ann, t, 'claim');
    expect(claimed.status).toBe(200);
    expect(claimed.body).toMatchObject({ task_id: t, status: 'claimed', claimed_by: 'ann', lease_expires_at: '2026-01-06T08:30:00.000Z' });
    const b = await backlog(app, bob, claimed.body.position);
    expect(b.items.find((x) => x.task_id === t)).toMatchObject({ claimed_by: 'ann', lease_expires_at: '2026-01-06T08:30:00.000Z' });
    expect(b.counts).toMatchObject({ total: 4, open: 3, claimed: 1 });

    const taken = await act(bob, t, 'claim');
    expect(taken.status).toBe(409);
    expect(taken.body.message).toMatch(/held by ann/);

    // The same claim again at the same instant: 200, nothing appended.
    const claims = await count('LabelingTaskClaimed');
    expect((await act(ann, t, 'claim')).status).toBe(200);
    expect(await count('LabelingTaskClaimed')).toBe(claims);
    clock.advance(10 * MINUTE_MS);
    const extended = await act(ann, t, 'claim');
    expect(extended.status).toBe(200);
    expect(extended.body.lease_expires_at).toBe('2026-01-06T08:40:00.000Z');
    expect(await count('LabelingTaskLeaseExtended')).toBe(1);
  });

  it('submit needs the task held (409 otherwise); the label reaches the example; a repeat appends nothing', async () => {
    const t = tasks[0].task_id;
    expect((await act(bob, t, 'submit', { label: '004512' })).status).toBe(409);
    expect((await act(ann, t, 'submit', { label: '   ' })).status).toBe(400);
    expect((await act(ann, t, 'submit', {})).status).toBe(400);
    // With the sagas paused, the answer's position already shows the label (the read model applies
    // the task's event) and the request itself appended no example event: the label saga is the one path.
    const sagas = app.app.get(SagaRunner);
    await sagas.stop();
    let done;
    try {
      done = await act(ann, t, 'submit', { label: '004512' });
      expect(done.status).toBe(200);
      expect(done.body).toMatchObject({ task_id: t, status: 'completed' });
      const labeled = await call<{ items: { example_id: string; label: string; status: string }[] }>(app, 'GET', `/api/v2/ml-training/examples?status=labeled&min_position=${done.body.position}`, { token: ann });
      expect(labeled.body.items).toEqual([expect.objectContaining({ example_id: tasks[0].example_id, label: '004512', status: 'labeled' })]);
      expect(await eventsOfType(app, auditor, 'TrainingExampleLabeled')).toEqual([]);
    } finally {
      await sagas.start();
    }
    for (let i = 0; i < 300 && (await eventsOfType(app, auditor, 'TrainingExampleLabeled')).length === 0; i++) await sleep(50);
    const labels = await eventsOfType(app, auditor, 'TrainingExampleLabeled');
    expect(labels).toHaveLength(1);
    expect(labels[0].data).toMatchObject({ exampleId: tasks[0].example_id, taskId: t, labelerId: 'ann' });
    // The audit answers the event as stored: an entry's label (a plate) is sealed under the plate's key, a meter's is plain.
    if (tasks[0].example_id.startsWith('ve_')) expect(isSealed(labels[0].data.label)).toBe(true);
    else expect(labels[0].data.label).toBe('004512');

    const before = await count('LabelingTaskCompleted');
    expect((await act(ann, t, 'submit', { label: '004512' })).status).toBe(200);
    expect(await count('LabelingTaskCompleted')).toBe(before);
    expect((await act(ann, t, 'claim')).status).toBe(409);
    expect((await backlog(app, ann, done.body.position)).items.map((x) => x.task_id)).not.toContain(t);
  });

  it('skip closes a held task; release hands it back; both repeat as 200 without appending', async () => {
    const [s, r] = [tasks[1].task_id, tasks[2].task_id];
    expect((await act(ann, s, 'skip')).status).toBe(409);
    await act(ann, s, 'claim');
    const skipped = await act(ann, s, 'skip', { reason: 'glare' });
    expect(skipped.status).toBe(200);
    expect(skipped.body.status).toBe('skipped');
    expect((await act(ann, s, 'skip')).status).toBe(200);
    expect(await count('LabelingTaskSkipped')).toBe(1);

    await act(bob, r, 'claim');
    expect((await act(ann, r, 'release')).status).toBe(409);
    const released = await act(bob, r, 'release');
    expect(released.status).toBe(200);
    expect(released.body).toMatchObject({ status: 'open', claimed_by: null, lease_expires_at: null });
    expect((await act(bob, r, 'release')).status).toBe(200);
    expect(await count('LabelingTaskReleased')).toBe(1);

    const b = await backlog(app, ann, released.body.position);
    expect(b.items.map((x) => x.task_id).sort()).toEqual([r, tasks[3].task_id].sort());
    expect(b.items.find((x) => x.task_id === r)).toMatchObject({ claimed_by: null });
  });

  it('a skipped task returns its example to the pool with the skip recorded', async () => {
    const skippedTask = tasks[1];
    const [returned] = (await eventsOfType(app, auditor, 'TrainingExampleReturned')).filter((e) => e.data.taskId === skippedTask.task_id);
    expect(returned).toMatchObject({ stream: `example-${skippedTask.example_id}`, data: { exampleId: skippedTask.example_id, labelerId: 'ann', reason: 'glare', skips: 1 } });
    const one = await call(app, 'GET', `/api/v2/ml-training/examples/${skippedTask.example_id}`, { token: ann });
    expect(one.body).toMatchObject({ status: 'captured', skips: 1, task_id: null });
  });

  it('a lease expires by itself: the task shows open, another labeler claims it, the first can no longer submit', async () => {
    const t = tasks[3].task_id;
    await act(ann, t, 'claim');
    clock.advance(29 * MINUTE_MS);
    expect((await act(bob, t, 'claim')).status).toBe(409);
    clock.advance(2 * MINUTE_MS);
    expect((await backlog(app, bob)).items.find((x) => x.task_id === t)).toMatchObject({ status: 'open', claimed_by: null, lease_expires_at: null });
    const takeover = await act(bob, t, 'claim');
    expect(takeover.status).toBe(200);
    expect(takeover.body.claimed_by).toBe('bob');
    const late = await act(ann, t, 'submit', { label: 'KMN4821' });
    expect(late.status).toBe(409);
    expect((await act(bob, t, 'submit', { label: 'KMN4821' })).status).toBe(200);
  });

  it('another tenant: 403 on commands, nothing in its backlog; unknown task 404; wrong role 403', async () => {
    const r = tasks[2].task_id;
    expect((await act(stranger, r, 'claim')).status).toBe(403);
    expect((await act(stranger, r, 'submit', { label: 'x' })).status).toBe(403);
    expect((await backlog(app, stranger)).items).toEqual([]);
    expect((await act(ann, 'lt_doesnotexist', 'claim')).status).toBe(404);
    expect((await act(engineer, r, 'claim')).status).toBe(403);
  });

  it('a cursor that is not one of the backlog pages is 400, not 500', async () => {
    for (const cursor of ['0', 'abc', Buffer.from('[1]').toString('base64url')]) {
      expect((await call(app, 'GET', `/api/v2/ml-training/labeling-backlog?cursor=${cursor}`, { token: ann })).status).toBe(400);
    }
  });

  it('the backlog projection rebuilt blue/green answers exactly as before', async () => {
    const list = async () => (await call<{ items: { name: string; status: string; collections: string[]; building: unknown }[] }>(app, 'GET', '/api/v2/ops/projections', { token: ops })).body.items.find((p) => p.name === 'labeling-backlog');
    const until = async (ok: (p: Awaited<ReturnType<typeof list>>) => boolean) => {
      const deadline = Date.now() + 20_000;
      for (let p = await list(); ; p = await list()) {
        if (ok(p)) return p;
        if (Date.now() > deadline) throw new Error(`projection not as expected: ${JSON.stringify(p)}`);
        await sleep(50);
      }
    };
    await act(ann, tasks[2].task_id, 'claim');
    const old = await until((p) => p?.status === 'live');
    const before = await backlog(app, ann);
    expect((await call(app, 'POST', '/api/v2/ops/projections/labeling-backlog/rebuild', { token: ops })).status).toBe(202);
    await until((p) => p?.status === 'live' && p.building === null && p.collections[0] !== old?.collections[0]);
    expect(await backlog(app, ann)).toEqual(before);
    expect(before.items).toEqual([expect.objectContaining({ task_id: tasks[2].task_id, claimed_by: 'ann' })]);
  });
});
