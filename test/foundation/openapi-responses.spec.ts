import { TestApp, startTestApp } from '../support/app';
import { OpenApiDocument, SchemaNode, answerErrors, findOperation, schemaErrors } from '../support/openapi-check';
import { assertAnswer } from '../support/wire';

jest.setTimeout(60_000);

type Response = { description?: string; content?: Record<string, { schema?: SchemaNode; example?: unknown }> };
type Operation = { 'x-roles'?: string[]; responses?: Record<string, Response> };

/**
 * Every operation of the served document declares its answer (a schema with an example, or the
 * media type of a file) and its error codes; and the check the e2e helpers run on every answer
 * (test/support/openapi-check.ts) refuses a real answer that does not fit.
 */
describe('the OpenAPI document declares every answer', () => {
  let app: TestApp;
  let doc: OpenApiDocument;
  const operations: Array<{ key: string; method: string; path: string; op: Operation }> = [];

  beforeAll(async () => {
    app = await startTestApp();
    doc = (await (await fetch(`${app.baseUrl}/api/docs-json`)).json()) as OpenApiDocument;
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) if (['get', 'post', 'put', 'patch', 'delete'].includes(method)) operations.push({ key: `${method.toUpperCase()} ${path}`, method, path, op: op as Operation });
    }
  });
  afterAll(() => app.close());

  it('gives every operation one success answer with a schema and an example, or a file media type', () => {
    expect(operations.length).toBeGreaterThan(50);
    for (const { key, op } of operations) {
      const successes = Object.entries(op.responses ?? {}).filter(([code]) => code.startsWith('2'));
      expect({ key, successes: successes.length > 0 }).toEqual({ key, successes: true });
      for (const [code, response] of successes) {
        const content = response.content ?? {};
        const json = content['application/json'];
        const described = json ? json.schema !== undefined && json.example !== undefined : Object.keys(content).length > 0;
        expect({ key, code, described, description: (response.description ?? '').length > 0 }).toEqual({ key, code, described: true, description: true });
      }
    }
  });

  it('gives every authenticated operation its error codes, each with the Error body', () => {
    for (const { key, op, method } of operations) {
      const codes = Object.keys(op.responses ?? {}).filter((c) => /^[45]/.test(c));
      const roles = op['x-roles'] ?? [];
      if (roles.includes('public')) continue;
      const expected = ['400', '401', '429', method === 'get' ? '503' : '422', ...(roles.includes('any authenticated user') ? [] : ['403'])];
      expect({ key, missing: expected.filter((c) => !codes.includes(c)) }).toEqual({ key, missing: [] });
      for (const code of codes) {
        const response = (op.responses ?? {})[code];
        const json = response.content?.['application/json'];
        if (key === 'GET /health') continue;
        expect({ key, code, schema: json?.schema }).toEqual({ key, code, schema: { $ref: '#/components/schemas/Error' } });
        expect({ key, code, fits: schemaErrors(doc, json?.schema as SchemaNode, json?.example) }).toEqual({ key, code, fits: [] });
      }
    }
    // Handler-specific codes, as the handlers answer them.
    expect(Object.keys(operationAt('POST', '/api/v2/ml-training/labeling-tasks/{id}/claim').responses ?? {})).toEqual(expect.arrayContaining(['200', '403', '404', '409']));
    expect(Object.keys(operationAt('POST', '/api/v2/meter-readings').responses ?? {})).toEqual(expect.arrayContaining(['201', '413', '422', '503']));
    expect(Object.keys(operationAt('GET', '/health').responses ?? {}).sort()).toEqual(['200', '503']);
  });

  it('has examples that fit their own schemas', () => {
    for (const { key, op } of operations) {
      for (const [code, response] of Object.entries(op.responses ?? {})) {
        const json = response.content?.['application/json'];
        if (json?.schema) expect({ key, code, errors: schemaErrors(doc, json.schema, json.example) }).toEqual({ key, code, errors: [] });
      }
    }
  });

  it('matches a path to its template, a literal segment before a parameter', () => {
    expect(findOperation(doc, 'GET', '/api/v2/ml/models/active?model_type=conflict_predictor')?.template).toBe('/api/v2/ml/models/active');
    expect(findOperation(doc, 'GET', '/api/v2/ml/models/v20260302_030000')?.template).toBe('/api/v2/ml/models/{version}');
    expect(findOperation(doc, 'POST', '/api/v2/ml-training/corrections/')?.template).toBe('/api/v2/ml-training/corrections');
    expect(findOperation(doc, 'DELETE', '/api/v2/ml/models/active')).toBeNull();
  });

  describe('refuses a real answer that does not fit', () => {
    const ops = () => app.token({ sub: 'ops-1', tenant: 'acme', roles: ['ops'] });
    let received: { method: string; path: string; status: number; body: unknown };

    beforeAll(async () => {
      const path = '/api/v2/ml/models/active';
      const res = await fetch(`${app.baseUrl}${path}`, { headers: { authorization: `Bearer ${ops()}` } });
      received = { method: 'GET', path, status: res.status, body: await res.json() };
    });

    /** The served document with the active-model schema changed by `change`. */
    function wrong(change: (schema: SchemaNode) => void): OpenApiDocument {
      const copy = JSON.parse(JSON.stringify(doc)) as OpenApiDocument;
      change((copy.components?.schemas ?? {}).ActiveModel);
      return copy;
    }

    it('accepts it against the declared schema', () => {
      expect(received.status).toBe(200);
      expect(answerErrors(doc, received)).toEqual([]);
      expect(() => assertAnswer(doc, received)).not.toThrow();
    });

    it('fails on a field the schema does not declare', () => {
      const errors = answerErrors(
        wrong((s) => delete s.properties?.cause),
        received,
      );
      expect(errors).toEqual(['$.cause: not declared by the schema']);
      expect(() => assertAnswer(wrong((s) => delete s.properties?.cause), received)).toThrow(/GET \/api\/v2\/ml\/models\/active answered 200 unlike its declared schema: \$\.cause: not declared/);
    });

    it('fails on a required field missing', () => {
      const errors = answerErrors(
        wrong((s) => {
          (s.properties as Record<string, SchemaNode>).model_version = { type: 'string' };
          s.required = [...(s.required ?? []), 'model_version'];
        }),
        received,
      );
      expect(errors).toEqual(['$.model_version: required but missing']);
    });

    it('fails on a wrong type, a null where none is allowed, and a value outside an enum', () => {
      expect(answerErrors(wrong((s) => ((s.properties as Record<string, SchemaNode>).model_type = { type: 'integer' })), received)).toEqual(['$.model_type: expected an integer, got string "conflict_predictor"']);
      // No model is active in a fresh app: `version` is null, which the declared schema allows.
      expect(received.body).toMatchObject({ version: null });
      expect(answerErrors(wrong((s) => ((s.properties as Record<string, SchemaNode>).version = { type: 'string' })), received)).toEqual(['$.version: null, but the schema does not allow null']);
      expect(answerErrors(wrong((s) => ((s.properties as Record<string, SchemaNode>).model_type = { type: 'string', enum: ['other'] })), received)).toEqual(['$.model_type: "conflict_predictor" is not one of ["other"]']);
    });

    it('fails on a file answered with a media type the operation does not declare', async () => {
      const res = await fetch(`${app.baseUrl}/metrics`);
      const metrics = { method: 'GET', path: '/metrics', status: res.status, body: await res.text(), contentType: res.headers.get('content-type') };
      expect(answerErrors(doc, metrics)).toEqual([]);
      expect(answerErrors(doc, { ...metrics, contentType: 'application/octet-stream' })).toEqual(['status 200 answered application/octet-stream; declared: text/plain']);
      expect(answerErrors(doc, { ...metrics, contentType: 'application/json; charset=utf-8', body: {} })).toEqual(['status 200 declares no JSON body, but one was answered']);
    });

    it('fails on a status the operation does not declare', () => {
      expect(answerErrors(doc, { ...received, status: 409 })).toEqual([expect.stringMatching(/^status 409 is not declared/)]);
      expect(answerErrors(doc, { ...received, path: '/api/v2/nowhere' })).toEqual(['no operation GET matches /api/v2/nowhere (answered 200)']);
      // An unknown route's 404 is held to the Error body.
      expect(answerErrors(doc, { ...received, path: '/api/v2/nowhere', status: 404, body: { status_code: 404, error: 'Not Found', message: 'Cannot GET /api/v2/nowhere' } })).toEqual([]);
      expect(answerErrors(doc, { ...received, path: '/api/v2/nowhere', status: 404, body: { statusCode: 404 } })).toEqual(['$.status_code: required but missing', '$.error: required but missing', '$.message: required but missing', '$.statusCode: not declared by the schema']);
    });
  });

  function operationAt(method: string, path: string): Operation {
    return doc.paths[path][method.toLowerCase()] as Operation;
  }
});
