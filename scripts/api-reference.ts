/**
 * Writes docs/API.md from the OpenAPI document the server serves (`npm run docs:api`): one section
 * per operation with its summary, roles, parameters and answers. test/foundation/api-reference
 * checks the two agree.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../src/bootstrap';
import { loadConfig } from '../src/config';

type Param = { name: string; in: string; required?: boolean; description?: string };
type Response = { description?: string; content?: Record<string, { schema?: { $ref?: string }; example?: unknown }> };
type Operation = { summary?: string; description?: string; 'x-roles'?: string[]; parameters?: Param[]; requestBody?: { content?: Record<string, unknown> }; responses?: Record<string, Response>; tags?: string[] };
type Document = { paths: Record<string, Record<string, Operation>> };

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

export function renderApiReference(doc: Document): string {
  // One line per error code, from the descriptions the document gives them.
  const meanings = new Map<string, string>();
  for (const item of Object.values(doc.paths)) {
    for (const op of Object.values(item)) {
      for (const [code, r] of Object.entries(op.responses ?? {})) if (!/^2/.test(code) && r.content?.['application/json']?.schema?.$ref && !meanings.has(code)) meanings.set(code, r.description ?? '');
    }
  }
  const out = [
    '# API reference',
    '',
    'Generated from the OpenAPI document the server serves at `/api/docs-json` (browse it at `/api/docs`)',
    'by `npm run docs:api`; a test checks that every operation there is here and the other way round.',
    'Conventions (errors, `position` and `min_position`, `Idempotency-Key`, snake_case) are in the README.',
    'Each operation shows its success answer with an example, and the error codes it can answer; every',
    'error has the body `{"status_code", "error", "message", "details"?}`. The full schemas are in the OpenAPI document.',
    '',
    '| Error | Meaning |',
    '| --- | --- |',
    ...[...meanings].sort(([a], [b]) => a.localeCompare(b)).map(([code, meaning]) => `| ${code} | ${meaning.replace(/\|/g, '\\|')} |`),
    '',
  ];
  for (const path of Object.keys(doc.paths).sort()) {
    for (const method of METHODS) {
      const op = doc.paths[path][method];
      if (!op) continue;
      out.push(`### ${method.toUpperCase()} ${path}`, '', op.summary ?? '', '', `Roles: ${(op['x-roles'] ?? []).join(', ')}`, '');
      const params = (op.parameters ?? []).map((p) => `\`${p.name}\` (${p.in}${p.required ? ', required' : ''})`);
      if (params.length > 0) out.push(`Parameters: ${params.join(', ')}`, '');
      const body = Object.keys(op.requestBody?.content ?? {});
      if (body.length > 0) out.push(`Body: ${body.join(', ')}`, '');
      const responses = Object.entries(op.responses ?? {});
      const successes = responses.filter(([code]) => /^2/.test(code));
      const errors = responses.filter(([code]) => !/^2/.test(code));
      for (const [code, response] of successes) {
        const media = Object.keys(response.content ?? {});
        const json = response.content?.['application/json'];
        out.push(`Answers ${code}: ${response.description ?? ''}${json ? '' : ` (${media.join(', ')})`}`, '');
        if (json?.example !== undefined) out.push('```json', JSON.stringify(json.example, null, 2), '```', '');
      }
      if (errors.length > 0) out.push(`Errors: ${errors.map(([code, r]) => (r.content?.['application/json']?.schema?.$ref ? code : `${code} (${r.description ?? ''})`)).join(', ')}`, '');
    }
  }
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'flywheel-docs-'));
  const app = await createApp(loadConfig({ DATA_DIR: dataDir, JWT_SECRET: 'docs-only-secret-0123456789', LOG_LEVEL: 'error', SCHEDULES_ENABLED: 'false', OCR_EAGER_START: 'false' }));
  try {
    await app.listen(0, '127.0.0.1');
    const port = (app.getHttpServer().address() as AddressInfo).port;
    const doc = (await (await fetch(`http://127.0.0.1:${port}/api/docs-json`)).json()) as Document;
    writeFileSync(join(__dirname, '..', 'docs', 'API.md'), renderApiReference(doc));
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
