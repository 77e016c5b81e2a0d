import { hasBadText, inspectValue } from './input-guard';

describe('input guard', () => {
  it('finds NUL characters and unpaired surrogates, accepts real pairs', () => {
    expect(hasBadText('a\u0000b')).toBe(true);
    expect(hasBadText('\ud800')).toBe(true);
    expect(hasBadText('x\udc00')).toBe(true);
    expect(hasBadText('\ud83d\ude00 émoji')).toBe(false);
    expect(hasBadText('plain')).toBe(false);
  });

  it('reports depth beyond the limit without recursing (10,000 levels)', () => {
    const deep = JSON.parse('['.repeat(10_000) + ']'.repeat(10_000));
    expect(inspectValue({ a: deep }, 32)).toEqual({ problem: 'depth', field: expect.stringMatching(/^a/) });
    expect(inspectValue({ a: { b: { c: 'ok' } } }, 32)).toBeNull();
  });

  it('checks keys and values at any depth and names the field', () => {
    expect(inspectValue({ a: [{ name: 'x\u0000' }] }, 32)).toEqual({ problem: 'text', field: 'a.0.name' });
    expect(inspectValue({ ['k\ud800']: 1 }, 32)).toEqual({ problem: 'text', field: 'k\ud800' });
  });
});
