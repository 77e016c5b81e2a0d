import { Injectable } from '@nestjs/common';
import type { EarningsGrouping } from '@fpms/contracts';
import type { TenantManager } from '@fpms/database/tenant-manager';
import { UNKNOWN_CLIENT } from './earnings-recorder';

/** One group's sums over the period (minor units; release time as a sum of seconds and a count). */
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
}

const GROUP_KEY: Record<EarningsGrouping, string> = {
  month: `to_char(day, 'YYYY-MM')`,
  workspace: `workspace_id::text`,
  client: `case when client_user_id = '${UNKNOWN_CLIENT}'::uuid then 'unknown' else client_user_id::text end`,
};

/**
 * Reads of the earnings read model (`earnings_daily`, tenant transaction: RLS on the account).
 * A report sums the period's day rows (at most days × workspaces × clients of the account, one
 * index range), never the ledger: its cost follows the period, not the number of payments.
 */
@Injectable()
export class EarningsRepository {
  async sums(
    manager: TenantManager,
    accountId: string,
    period: { from: string; to: string; currency?: string },
    groupBy: EarningsGrouping,
  ): Promise<EarningsSums[]> {
    const key = GROUP_KEY[groupBy];
    const rows: Array<Record<string, string>> = await manager.query(
      `select currency, ${key} as key,
              sum(gross) as gross, sum(platform_fees) as platform_fees, sum(refunds) as refunds, sum(disputes) as disputes,
              sum(net) as net, sum(in_escrow) as in_escrow, sum(releases) as releases, sum(timed_releases) as timed_releases,
              sum(release_seconds) as release_seconds
         from earnings_daily
        where account_id = $1 and day between $2::date and $3::date and ($4::text is null or currency = $4)
        group by currency, ${key}
        order by currency, ${key}`,
      [accountId, period.from, period.to, period.currency ?? null],
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
    }));
  }
}
