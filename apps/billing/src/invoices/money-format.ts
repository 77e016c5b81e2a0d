/**
 * Amounts on invoices: integer minor units (Stripe's smallest unit of the currency) shown
 * with Intl.NumberFormat. The exponent is Stripe's, not only ISO's, because our minor units
 * are Stripe's: zero-decimal currencies (https://docs.stripe.com/currencies#zero-decimal)
 * are whole units, three-decimal ones have three digits, everything else two. Integer
 * arithmetic until the last step (BigInt division), so no float ever rounds a cent away.
 */
const ZERO_DECIMAL = new Set([
  'BIF',
  'CLP',
  'DJF',
  'GNF',
  'JPY',
  'KMF',
  'KRW',
  'MGA',
  'PYG',
  'RWF',
  'UGX',
  'VND',
  'VUV',
  'XAF',
  'XOF',
  'XPF',
]);
const THREE_DECIMAL = new Set(['BHD', 'JOD', 'KWD', 'OMR', 'TND']);

export function currencyExponent(currency: string): number {
  const code = currency.toUpperCase();
  if (ZERO_DECIMAL.has(code)) return 0;
  if (THREE_DECIMAL.has(code)) return 3;
  return 2;
}

/** `formatMoney(123456, 'EUR', 'en-GB')` → "€1,234.56"; `formatMoney(5000, 'JPY', 'en-GB')` → "JP¥5,000". */
export function formatMoney(minorUnits: number, currency: string, locale = 'en-GB'): string {
  if (!Number.isSafeInteger(minorUnits)) throw new Error(`formatMoney: ${minorUnits} is not an integer number of minor units`);
  const digits = currencyExponent(currency);
  const format = new Intl.NumberFormat(locale, {
    style: 'currency',
    currency: currency.toUpperCase(),
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
  if (digits === 0) return format.format(minorUnits);
  const scale = 10n ** BigInt(digits);
  const value = BigInt(minorUnits);
  const sign = value < 0n ? '-' : '';
  const abs = value < 0n ? -value : value;
  // A decimal string keeps every digit (Intl formats string numbers exactly).
  const decimal = `${sign}${abs / scale}.${(abs % scale).toString().padStart(digits, '0')}`;
  return format.format(decimal as unknown as number);
}

/** "20 %" style rate from basis points, in the locale (2000 → "20%", 1950 → "19.5%"). */
export function formatRate(basisPoints: number, locale = 'en-GB'): string {
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 2 }).format(basisPoints / 10_000);
}
