/**
 * Document numbers from a pattern: literal text with `{YYYY}`, `{YY}`, `{MM}` and one counter
 * `{0000}` (its zeros are the minimum width; longer numbers are never cut). The period a
 * counter runs in follows the pattern: a month token → a sequence per month, a year token →
 * per year (the yearly reset), neither → one sequence for good. Dates are read in UTC.
 */
export function periodOf(pattern: string, at: Date): string {
  const year = String(at.getUTCFullYear());
  if (pattern.includes('{MM}')) return `${year}-${String(at.getUTCMonth() + 1).padStart(2, '0')}`;
  if (pattern.includes('{YYYY}') || pattern.includes('{YY}')) return year;
  return 'all';
}

export function formatNumber(pattern: string, at: Date, sequence: number): string {
  if (!Number.isInteger(sequence) || sequence < 1) throw new Error(`formatNumber: sequence must be a positive integer, got ${sequence}`);
  const year = String(at.getUTCFullYear());
  return pattern.replace(/\{(YYYY|YY|MM|0+)\}/g, (_token, name: string) => {
    if (name === 'YYYY') return year;
    if (name === 'YY') return year.slice(-2);
    if (name === 'MM') return String(at.getUTCMonth() + 1).padStart(2, '0');
    return String(sequence).padStart(name.length, '0');
  });
}
