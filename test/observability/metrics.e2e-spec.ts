import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestApp, startTestApp } from '../support/app';
import { renderMeterPhoto } from '../support/photos';
import { call, photoForm } from '../readings/readings-helpers';
import { checkedFetch } from '../support/wire';

jest.setTimeout(120_000);

/** What /metrics says about OCR and captures, and that an unauthenticated scrape names no tenant. */
describe('/metrics for OCR and captures', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ env: { METRICS_TOKEN: 'metrics-token-0123456789' } });
  });
  afterAll(() => app.close());

  it('given a meter reading, then OCR latency and confidence per engine and mode, and captures, with no tenant label', async () => {
    const guard = app.token({ sub: 'g1', tenant: 'acme', roles: ['guard'] });
    const res = await call<{ confidence: number; captured_for_training: boolean }>(app, 'POST', '/api/v2/meter-readings', { token: guard, form: photoForm({ asset_id: 'm1' }, await renderMeterPhoto('0871.25')) });
    expect(res.status).toBe(201);
    const text = await (await checkedFetch(app.baseUrl, '/metrics')).text();
    expect(text).toMatch(/^ocr_latency_seconds_count\{engine="[a-z]+",mode="meter"\} 1$/m);
    expect(text).toMatch(/^ocr_confidence_count\{engine="[a-z]+",mode="meter"\} 1$/m);
    expect(text).toMatch(/^ocr_confidence_bucket\{le="1",engine="[a-z]+",mode="meter"\} 1$/m);
    expect(text).toMatch(new RegExp(`^readings_recorded_total\\{source_system="meter_reading",captured="${res.body.captured_for_training}"\\} 1$`, 'm'));
    expect(text).not.toMatch(/tenant="|"tenant:/);
  });

  it('given a prediction, then predictions_total counts it by model version and risk level', async () => {
    const guard = app.token({ sub: 'g1', tenant: 'acme', roles: ['guard'] });
    const res = await call<{ model_version: string; risk_level: string }>(app, 'POST', '/api/v2/ml/conflict-predictions', { token: guard, json: { entity_type: 'meter', entity_id: 'm1', device_id: 'p' } });
    expect(res.status).toBe(201);
    const text = await (await checkedFetch(app.baseUrl, '/metrics')).text();
    expect(text).toContain(`predictions_total{model_version="${res.body.model_version}",risk_level="${res.body.risk_level}"} 1`);
  });

  it('given a quiet server, then parked events per handler and the 7-day outcomes per model type are exposed', async () => {
    const text = await (await checkedFetch(app.baseUrl, '/metrics')).text();
    expect(text).toMatch(/^parked_events\{handler="training-examples"\} 0$/m);
    expect(text).toMatch(/^parked_events\{handler="saga:capture"\} 0$/m);
    expect(text).toMatch(/^prediction_outcomes_7d\{model_type="conflict_predictor",result="correct"\} 0$/m);
    expect(text).toMatch(/^projection_lag\{projection="training-examples"\} \d+$/m);
  });

  it('given docs/grafana-dashboard.json, then every metric its panels query is one the server exposes', async () => {
    const dashboard = JSON.parse(readFileSync(join(__dirname, '..', '..', 'docs', 'grafana-dashboard.json'), 'utf8')) as { panels: { targets: { expr: string }[] }[] };
    const text = await (await checkedFetch(app.baseUrl, '/metrics')).text();
    const exposed = new Set([...text.matchAll(/^# HELP (\S+)/gm)].map((m) => m[1]));
    const queried = new Set<string>();
    for (const panel of dashboard.panels) {
      for (const target of panel.targets) {
        // Label names (in `by (…)` and selectors `{…}`) are not metrics.
        const metricsOnly = target.expr.replace(/by \([^)]*\)/g, '').replace(/\{[^}]*\}/g, '');
        for (const [word] of metricsOnly.matchAll(/[a-z][a-z0-9]*(?:_[a-z0-9]+)+/g)) {
          if (word !== 'histogram_quantile') queried.add(word.replace(/_(bucket|count|sum)$/, ''));
        }
      }
    }
    expect(queried.size).toBeGreaterThanOrEqual(9);
    expect([...queried].filter((name) => !exposed.has(name))).toEqual([]);
  });

  it('given appends, then their latency per store and the writer thread\'s group sizes are exposed', async () => {
    const text = await (await checkedFetch(app.baseUrl, '/metrics')).text();
    const count = Number(/^event_store_append_seconds_count\{store="[a-z]+"\} (\d+)$/m.exec(text)?.[1]);
    expect(count).toBeGreaterThan(0);
    if (Object.keys(app.storeEnv).length === 0) {
      const groups = Number(/^event_store_write_groups (\d+)$/m.exec(text)?.[1]);
      const operations = Number(/^event_store_write_operations (\d+)$/m.exec(text)?.[1]);
      expect(groups).toBeGreaterThan(0);
      expect(operations).toBeGreaterThanOrEqual(groups);
    }
  });
});
