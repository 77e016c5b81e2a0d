import { splitTax } from './invoice-amounts';

describe('splitTax', () => {
  it('takes the tax out of a tax-inclusive total', () => {
    expect(splitTax(12_000, 2000)).toEqual({ subtotal: 10_000, taxAmount: 2000 });
    expect(splitTax(10_000, 0)).toEqual({ subtotal: 10_000, taxAmount: 0 });
  });

  it('rounds half up in minor units and always adds back to the total', () => {
    // 100 × 0.19 / 1.19 = 15.966… → 16
    expect(splitTax(100, 1900)).toEqual({ subtotal: 84, taxAmount: 16 });
    for (const total of [1, 3, 999, 12_345, 1_000_000_007]) {
      const { subtotal, taxAmount } = splitTax(total, 2100);
      expect(subtotal + taxAmount).toBe(total);
    }
  });

  it('refuses fractional amounts and rates out of range', () => {
    expect(() => splitTax(10.5, 2000)).toThrow();
    expect(() => splitTax(100, 10_001)).toThrow();
  });
});
