import { Injectable } from '@nestjs/common';
import type { EarningsGrouping } from '@fpms/contracts';
import type { TenantManager } from '@fpms/database/tenant-manager';
import { UNKNOWN_CLIENT } from './earnings-recorder';
import { NO_TASK } from './week-hours-split';

/** One group's sums over the period (minor units; release time as a sum of seconds and a count; billed hours in seconds). */
export interface EarningsSums {
  currency: string;
  key: string;
  gross: number;
  platformFees: number;
  refunds: number;
  disputes: number;
  net: number;
  inEscrow: number;
  releases: number;
  timedReleases: number;
  releaseSeconds: number;
  billedSeconds: number;
}

type Figure = Exclude<keyof EarningsSums, 'currency' | 'key'>;
const FIGURES: Figure[] = [
  'gross',
  'platformFees',
  'refunds',
  'disputes',
  'net',
  'inEscrow',
  'releases',
  'timedReleases',
  'releaseSeconds',
  'billedSeconds',
];

/** The group of all milestone (non-hourly) money when the report groups hourly work by member, task or week. */
export const MILESTONES_GROUP = 'milestones';

type MoneyGrouping = 'month' | 'workspace' | 'client';
type HoursGrouping = 'member' | 'task' | 'week';

/** Keys both tables can be grouped by (same column names in `earnings_daily` and `earnings_hours`). */
const MONEY_KEY: Record<MoneyGrouping, string> = {
  month: `to_char(day, 'YYYY-MM')`,
  workspace: `workspace_id::text`,
  client: `case when client_user_id = '${UNKNOWN_CLIENT}'::uuid then 'unknown' else client_user_id::text end`,
};

/** Keys of hourly work only (`earnings_hours`): the member, the task (`none`), the ISO week of the week's Monday. */
const HOURS_KEY: Record<HoursGrouping, string> = {
  member: `member_user_id::text`,
  task: `case when task_id = '${NO_TASK}'::uuid then 'none' else task_id::text end`,
  week: `to_char(week_start, 'IYYY-"W"IW')`,
};

const PERIOD = `account_id = $1 and day between $2::date and $3::date and ($4::text is null or currency = $4)`;

const zero = (currency: string, key: string): EarningsSums => ({
  currency,
  key,
  ...(Object.fromEntries(FIGURES.map((f) => [f, 0])) as Record<Figure, number>),
});

/**
 * Reads of the earnings read model (`earnings_daily` and `earnings_hours`, tenant transaction:
 * RLS on the account). A report sums the period's day rows (at most days × workspaces ×
 * clients of the account, and for hours × weeks × members × tasks, one index range each),
 * never the ledger: its cost follows the period, not the number of payments.
 *
 * Grouped by month, workspace or client, each group's money is `earnings_daily`'s and its
 * billed seconds `earnings_hours`'. Grouped by member, task or week, the hourly groups are
 * `earnings_hours`' (the paid weeks' money split by seconds) and everything else the day
 * rows hold — milestones and pay-now, less the paid weeks, which both tables record in the
 * same transaction — is the one group `milestones`; the totals are the same either way.
 */
@Injectable()
export class EarningsRepository {
  async sums(
    manager: TenantManager,
    accountId: string,
    period: { from: string; to: string; currency?: string },
    groupBy: EarningsGrouping,
  ): Promise<EarningsSums[]> {
    const params = [accountId, period.from, period.to, period.currency ?? null];
    if (groupBy === 'month' || groupBy === 'workspace' || groupBy === 'client') {
      const key = MONEY_KEY[groupBy];
      const [money, hours] = [await this.money(manager, key, params), await this.hours(manager, key, params)];
      const seconds = new Map(hours.map((h) => [`${h.currency}/${h.key}`, h.billedSeconds]));
      return money.map((m) => ({ ...m, billedSeconds: seconds.get(`${m.currency}/${m.key}`) ?? 0 }));
    }
    const hourly = await this.hours(manager, HOURS_KEY[groupBy], params);
    const all = await this.money(manager, 'currency', params); // one row per currency
    const groups: EarningsSums[] = [];
    for (const section of all) {
      const mine = hourly.filter((h) => h.currency === section.currency);
      const milestones = zero(section.currency, MILESTONES_GROUP);
      // The day rows' money less the paid weeks'; milestones bill no hours.
      for (const f of FIGURES) if (f !== 'billedSeconds') milestones[f] = section[f] - mine.reduce((sum, h) => sum + h[f], 0);
      if (FIGURES.some((f) => milestones[f] !== 0)) groups.push(milestones);
      groups.push(...mine);
    }
    return groups.sort((a, b) => a.currency.localeCompare(b.currency) || a.key.localeCompare(b.key));
  }

  private async money(manager: TenantManager, key: string, params: unknown[]): Promise<EarningsSums[]> {
    const rows: Array<Record<string, string>> = await manager.query(
      `select currency, ${key} as key,
              sum(gross) as gross, sum(platform_fees) as platform_fees, sum(refunds) as refunds, sum(disputes) as disputes,
              sum(net) as net, sum(in_escrow) as in_escrow, sum(releases) as releases, sum(timed_releases) as timed_releases,
              sum(release_seconds) as release_seconds
         from earnings_daily
        where ${PERIOD}
        group by currency, ${key}
        order by currency, ${key}`,
      params,
    );
    return rows.map((r) => ({
      currency: r.currency,
      key: r.key,
      gross: Number(r.gross),
      platformFees: Number(r.platform_fees),
      refunds: Number(r.refunds),
      disputes: Number(r.disputes),
      net: Number(r.net),
      inEscrow: Number(r.in_escrow),
      releases: Number(r.releases),
      timedReleases: Number(r.timed_releases),
      releaseSeconds: Number(r.release_seconds),
      billedSeconds: 0,
    }));
  }

  /** Paid hourly weeks by `key`: billed seconds and their money (no refunds, disputes, escrow or timed releases: a week is charged and released at once). */
  private async hours(manager: TenantManager, key: string, params: unknown[]): Promise<EarningsSums[]> {
    const rows: Array<Record<string, string>> = await manager.query(
      `select currency, ${key} as key, sum(seconds) as seconds, sum(gross) as gross, sum(platform_fees) as platform_fees,
              sum(net) as net, sum(releases) as releases
         from earnings_hours
        where ${PERIOD}
        group by currency, ${key}
        order by currency, ${key}`,
      params,
    );
    return rows.map((r) => ({
      ...zero(r.currency, r.key),
      gross: Number(r.gross),
      platformFees: Number(r.platform_fees),
      net: Number(r.net),
      releases: Number(r.releases),
      billedSeconds: Number(r.seconds),
    }));
  }
}
