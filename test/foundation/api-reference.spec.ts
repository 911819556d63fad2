import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderApiReference } from '../../scripts/api-reference';
import { TestApp, startTestApp } from '../support/app';

jest.setTimeout(60_000);

type Operation = { summary?: string; 'x-roles'?: string[] };

/** docs/API.md is the reference in the repository: it must say what the served OpenAPI document says. */
describe('docs/API.md against the OpenAPI document', () => {
  let app: TestApp;
  let served: Map<string, Operation>;
  let documented: Map<string, { summary: string; roles: string }>;
  let servedDoc: Parameters<typeof renderApiReference>[0];
  let written: string;

  beforeAll(async () => {
    app = await startTestApp();
    const doc = (await (await fetch(`${app.baseUrl}/api/docs-json`)).json()) as { paths: Record<string, Record<string, Operation>> };
    servedDoc = doc;
    served = new Map();
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) if (['get', 'post', 'put', 'patch', 'delete'].includes(method)) served.set(`${method.toUpperCase()} ${path}`, op);
    }
    documented = new Map();
    written = readFileSync(join(__dirname, '..', '..', 'docs', 'API.md'), 'utf8');
    const sections = written.split(/^### /m).slice(1);
    for (const section of sections) {
      const [heading, ...rest] = section.split('\n');
      const lines = rest.filter((l) => l.trim() !== '');
      documented.set(heading.trim(), { summary: lines[0] ?? '', roles: (lines.find((l) => l.startsWith('Roles: ')) ?? '').slice('Roles: '.length) });
    }
  });
  afterAll(() => app.close());

  it('documents every served operation, and nothing that is not served', () => {
    expect([...documented.keys()].sort()).toEqual([...served.keys()].sort());
    expect(served.size).toBeGreaterThan(40);
  });

  it('gives every operation a summary and its roles, the same in both', () => {
    for (const [key, op] of served) {
      expect({ key, summary: (op.summary ?? '').length > 0, roles: (op['x-roles'] ?? []).length > 0 }).toEqual({ key, summary: true, roles: true });
      expect({ key, ...documented.get(key) }).toEqual({ key, summary: op.summary, roles: (op['x-roles'] ?? []).join(', ') });
    }
  });

  it('is what `npm run docs:api` writes from the served document today (answers, examples and errors included)', () => {
    expect(written).toContain('Errors: 400, 401, 403, 404, 409, 422, 429');
    expect(written.split('\n')).toEqual(renderApiReference(servedDoc).split('\n'));
  });

  it('names the roles the guard enforces', () => {
    expect(served.get('POST /api/v2/ml-training/corrections')?.['x-roles']).toEqual(['guard', 'labeler']);
    expect(served.get('GET /health')?.['x-roles']).toEqual(['public']);
    expect(served.get('POST /api/v2/ml/models/{version}/activate')?.['x-roles']).toEqual(expect.arrayContaining(['ml_engineer']));
  });
});
