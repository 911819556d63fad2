import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export type Environment = Record<string, string | undefined>;

/**
 * The one way the server, the CLI and `npm run token` find their settings: the environment, then a
 * `.env` file in the working directory if there is one (the environment wins). A token minted with
 * the settings the server runs with then verifies there.
 */
export function resolveEnvironment(env: Environment = process.env, cwd: string = process.cwd()): Environment {
  const file = join(cwd, '.env');
  if (!existsSync(file)) return { ...env };
  const fromFile = parseEnvFile(readFileSync(file, 'utf8'));
  const merged: Environment = { ...fromFile };
  for (const [key, value] of Object.entries(env)) if (value !== undefined) merged[key] = value;
  return merged;
}

/** `KEY=value` lines; `#` comments, blank lines and an optional `export ` prefix; values may be quoted. */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) continue;
    let value = match[2];
    const quoted = /^(['"])(.*)\1$/.exec(value);
    if (quoted) value = quoted[2];
    else value = value.replace(/\s+#.*$/, '').trim();
    out[match[1]] = value;
  }
  return out;
}
