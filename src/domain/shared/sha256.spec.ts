import { createHash } from 'node:crypto';
import { sha256, sha256Hex } from './sha256';

describe('sha256', () => {
  it('equals createHash for text (UTF-8) and bytes', () => {
    for (const input of ['', 'plate ABC1D23', 'ção 🚗', Buffer.from([0, 255, 7])]) {
      const expected = createHash('sha256').update(input).digest();
      expect(sha256(input).equals(expected)).toBe(true);
      expect(sha256Hex(input)).toBe(expected.toString('hex'));
    }
  });
});
