import { formatNumber, periodOf } from './numbering';

describe('document numbering', () => {
  const mar2026 = new Date('2026-03-15T10:00:00Z');

  it('formats the default pattern with the year and a padded counter', () => {
    expect(formatNumber('INV-{YYYY}-{0000}', mar2026, 7)).toBe('INV-2026-0007');
    expect(formatNumber('INV-{YYYY}-{0000}', mar2026, 12345)).toBe('INV-2026-12345');
  });

  it('supports two-digit years, months and patterns without dates', () => {
    expect(formatNumber('{YY}{MM}/{000}', mar2026, 4)).toBe('2603/004');
    expect(formatNumber('F{0}', mar2026, 42)).toBe('F42');
  });

  it('runs a counter per year, per month, or for good, as the pattern says', () => {
    expect(periodOf('INV-{YYYY}-{0000}', mar2026)).toBe('2026');
    expect(periodOf('{YY}-{0000}', mar2026)).toBe('2026');
    expect(periodOf('{YYYY}{MM}-{0000}', mar2026)).toBe('2026-03');
    expect(periodOf('INV-{0000}', mar2026)).toBe('all');
  });

  it('reads the date in UTC (new year at midnight UTC)', () => {
    expect(periodOf('{YYYY}-{0}', new Date('2026-12-31T23:59:59Z'))).toBe('2026');
    expect(periodOf('{YYYY}-{0}', new Date('2027-01-01T00:00:00Z'))).toBe('2027');
  });
});
