import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTar, tarEnd, tarEntry } from './tar-writer';

function hasTar(): boolean {
  try {
    execFileSync('tar', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('tar writer', () => {
  const archive = Buffer.concat([tarEntry('mr_1.png', Buffer.from([0x89, 0x50, 0x4e, 0x47]), 1_767_225_600), tarEntry('mr_1.gt.txt', Buffer.from('01234\n'), 1_767_225_600), tarEnd()]);

  it('writes 512-byte blocks that read back to the same files', () => {
    expect(archive.length % 512).toBe(0);
    expect(readTar(archive)).toEqual([
      { name: 'mr_1.png', content: Buffer.from([0x89, 0x50, 0x4e, 0x47]) },
      { name: 'mr_1.gt.txt', content: Buffer.from('01234\n') },
    ]);
  });

  (hasTar() ? it : it.skip)('is readable by the system tar', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tar-'));
    try {
      writeFileSync(join(dir, 'a.tar'), archive);
      expect(execFileSync('tar', ['-tf', join(dir, 'a.tar')]).toString().trim().split('\n')).toEqual(['mr_1.png', 'mr_1.gt.txt']);
      execFileSync('tar', ['-xf', join(dir, 'a.tar'), '-C', dir]);
      expect(readFileSync(join(dir, 'mr_1.gt.txt'), 'utf8')).toBe('01234\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses names that do not fit the header', () => {
    expect(() => tarEntry('x'.repeat(101), Buffer.alloc(0), 0)).toThrow(/1-100 bytes/);
  });
});
