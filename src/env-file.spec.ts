import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnvFile, resolveEnvironment } from './env-file';

describe('configuration resolution (environment, then .env in the working directory)', () => {
  it('parses comments, export, quotes and trailing comments', () => {
    expect(parseEnvFile('# c\nexport A=1\nB="two words"\nC=three # note\n\nnot a line\nD=\'x#y\'\n')).toEqual({ A: '1', B: 'two words', C: 'three', D: 'x#y' });
  });

  it('the environment wins; the file fills the gaps; no file means the environment alone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'env-file-'));
    try {
      expect(resolveEnvironment({ A: 'env' }, dir)).toEqual({ A: 'env' });
      writeFileSync(join(dir, '.env'), 'A=file\nDATA_DIR=/srv/flywheel\n');
      expect(resolveEnvironment({ A: 'env' }, dir)).toEqual({ A: 'env', DATA_DIR: '/srv/flywheel' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
