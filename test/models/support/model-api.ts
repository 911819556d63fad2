import { EventMetadata } from '../../../src/domain/shared/events';
import { TestApp } from '../../support/app';
import { wireAnswer } from '../../support/wire';

/** An event as the audit endpoints answer it: data and metadata exactly as stored. */
export interface AuditEvent<D = Record<string, unknown>> {
  readonly event_id: string;
  readonly type: string;
  readonly position: string;
  readonly data: D;
  readonly metadata: EventMetadata;
}

export async function modelStream(app: TestApp, modelType = 'conflict_predictor'): Promise<AuditEvent[]> {
  const token = app.token({ sub: 'auditor-1', tenant: 'acme', roles: ['auditor'] });
  const path = `/api/v2/audit/streams/model-${modelType}/events?limit=1000`;
  const res = await fetch(`${app.baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
  // A stream nobody has written yet does not exist: the audit answers 404, as for any unknown stream.
  if (res.status === 404) return [];
  return (await wireAnswer<{ items: AuditEvent[] }>(app.baseUrl, 'GET', path, res)).body.items;
}

export async function uploadModel(app: TestApp, bytes: Buffer | Uint8Array, fields: Record<string, string> = { model_type: 'conflict_predictor' }, sub = 'eng-1') {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('model', new Blob([bytes]), 'model.onnx');
  const res = await fetch(`${app.baseUrl}/api/v2/ml/models`, { method: 'POST', headers: { authorization: `Bearer ${app.token({ sub, tenant: 'acme', roles: ['ml_engineer'] })}` }, body: form });
  return wireAnswer<Record<string, unknown> & { version: string; message?: string }>(app.baseUrl, 'POST', '/api/v2/ml/models', res);
}

export async function trainingCsv(app: TestApp, version: string): Promise<{ status: number; type: string | null; text: string }> {
  // The registry is a projection: a version just trained may take a moment to be listed.
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(`${app.baseUrl}/api/v2/ml/models/${version}/training-data`, { headers: { authorization: `Bearer ${app.token({ sub: 'ops-1', tenant: 'acme', roles: ['ops'] })}` } });
    const answer = { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
    if (answer.status !== 404 || !answer.text.includes('has no version') || attempt >= 100) return answer;
    await new Promise((r) => setTimeout(r, 50));
  }
}
