import { createHash } from 'node:crypto';
import { derivedId, deterministicUuid } from './ids';

/** The layout the ids have always had: SHA-256 of the name, version 8 and variant bits set, dashed. */
function reference(name: string): string {
  const h = createHash('sha256').update(name).digest();
  h[6] = (h[6] & 0x0f) | 0x80;
  h[8] = (h[8] & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20, 32)].join('-');
}

describe('deterministic ids', () => {
  it('are the same ids as ever for the same names (stored event ids depend on it)', () => {
    for (const name of ['', 'x', 'submit-correction:0b7f1c9e-6a1d-4a55-9d0e-2f1c3b4a5d6e', 'ü€😀', 'a'.repeat(1000)]) {
      expect(deterministicUuid(name)).toBe(reference(name));
      expect(deterministicUuid(name)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
    expect(derivedId('correction', 'acme', 'u1', 'k1')).toBe(reference(JSON.stringify(['correction', 'acme', 'u1', 'k1'])));
  });
});
