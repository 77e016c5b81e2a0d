import { formatMoney as format, formatRate } from './money-format';

/** Intl separates some symbols with a no-break space: compared as plain spaces. */
const formatMoney = (...args: Parameters<typeof format>) => format(...args).replace(/\s/g, ' ');

describe('formatMoney', () => {
  it('formats two-decimal currencies from minor units', () => {
    expect(formatMoney(123_456, 'EUR')).toBe('€1,234.56');
    expect(formatMoney(5, 'USD', 'en-US')).toBe('$0.05');
  });

  it('shows zero-decimal currencies as whole units (JPY is yen, not cents)', () => {
    expect(formatMoney(5000, 'JPY')).toBe('JP¥5,000');
    expect(formatMoney(5000, 'jpy', 'ja-JP')).toBe('￥5,000');
  });

  it('shows three-decimal currencies with three digits', () => {
    expect(formatMoney(12_340, 'KWD', 'en-GB')).toBe('KWD 12.340');
  });

  it('keeps every digit of large amounts', () => {
    expect(formatMoney(900_719_925_474_099, 'EUR')).toBe('€9,007,199,254,740.99');
  });

  it('follows the locale', () => {
    expect(formatMoney(123_456, 'EUR', 'de-DE')).toBe('1.234,56 €');
  });

  it('formats rates from basis points', () => {
    expect(formatRate(2000)).toBe('20%');
    expect(formatRate(1950)).toBe('19.5%');
  });
});
