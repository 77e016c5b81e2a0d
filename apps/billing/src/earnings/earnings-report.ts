import type { EarningsCurrencyView, EarningsFigures, EarningsGrouping, EarningsReportView } from '@fpms/contracts';
import type { EarningsSums } from './earnings.repository';

const DAY_SECONDS = 24 * 3600;

function figures(s: Omit<EarningsSums, 'currency' | 'key'>): EarningsFigures {
  return {
    gross: s.gross,
    platformFees: s.platformFees,
    refunds: s.refunds,
    disputes: s.disputes,
    net: s.net,
    inEscrow: s.inEscrow,
    releases: s.releases,
    averageDaysToRelease: s.timedReleases > 0 ? Math.round((s.releaseSeconds / s.timedReleases / DAY_SECONDS) * 100) / 100 : null,
    billedSeconds: s.billedSeconds,
    hours: Math.round((s.billedSeconds / 3600) * 100) / 100,
  };
}

const ZERO = {
  gross: 0,
  platformFees: 0,
  refunds: 0,
  disputes: 0,
  net: 0,
  inEscrow: 0,
  releases: 0,
  timedReleases: 0,
  releaseSeconds: 0,
  billedSeconds: 0,
};

/** The report from the groups' sums: one section per currency, its totals the sum of its groups (never across currencies). */
export function buildEarningsReport(
  sums: EarningsSums[],
  query: { from: string; to: string; groupBy: EarningsGrouping; currency?: string },
): EarningsReportView {
  const sections = new Map<string, { totals: typeof ZERO; groups: EarningsSums[] }>();
  for (const s of sums) {
    const section = sections.get(s.currency) ?? { totals: { ...ZERO }, groups: [] };
    sections.set(s.currency, section);
    section.groups.push(s);
    for (const k of Object.keys(ZERO) as Array<keyof typeof ZERO>) section.totals[k] += s[k];
  }
  const currencies: EarningsCurrencyView[] = [...sections.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, section]) => ({
      currency,
      totals: figures(section.totals),
      groups: section.groups.map((g) => ({ key: g.key, ...figures(g) })),
    }));
  return { from: query.from, to: query.to, groupBy: query.groupBy, currency: query.currency ?? null, currencies };
}
