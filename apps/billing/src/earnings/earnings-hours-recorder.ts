import { Injectable } from '@nestjs/common';
import type { SystemManager, TenantManager } from '@fpms/database/tenant-manager';
import type { WeekCharge } from '../hourly/week-charge';
import { UNKNOWN_CLIENT } from './earnings-recorder';
import { weekHoursCells } from './week-hours-split';

/**
 * Keeps `earnings_hours` (the report's hours by member, task and week): called by the
 * WeekChargeWorker when a week is paid, in the transaction that records the payment, right
 * after EarningsRecorder added the week's order to `earnings_daily`. The day is the
 * transaction's (UTC `now()`, as for `earnings_daily`) and the client the order's (as the
 * recorder fixed it), so the week's rows add up to exactly what it added there. A week is
 * paid once (its row is claimed FOR UPDATE and leaves `due`), so its cells are added once.
 */
@Injectable()
export class EarningsHoursRecorder {
  async recordPaidWeek(manager: SystemManager | TenantManager, week: WeekCharge, platformFee: number): Promise<void> {
    const client: Array<{ client_user_id: string }> = await manager.query(
      `select client_user_id from earnings_order_state where order_id = $1`,
      [week.orderId],
    );
    const clientUserId = client[0]?.client_user_id ?? UNKNOWN_CLIENT;
    for (const cell of weekHoursCells(week.entries, week.rateMinor, week.amount, platformFee)) {
      await manager.query(
        `insert into earnings_hours (account_id, currency, day, workspace_id, client_user_id, week_start, member_user_id, task_id,
                                     seconds, gross, platform_fees, net, releases)
         values ($1, $2, (now() at time zone 'UTC')::date, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         on conflict (account_id, currency, day, workspace_id, client_user_id, week_start, member_user_id, task_id) do update set
           seconds = earnings_hours.seconds + excluded.seconds,
           gross = earnings_hours.gross + excluded.gross,
           platform_fees = earnings_hours.platform_fees + excluded.platform_fees,
           net = earnings_hours.net + excluded.net,
           releases = earnings_hours.releases + excluded.releases`,
        [
          week.accountId,
          week.currency,
          week.workspaceId,
          clientUserId,
          week.weekStart,
          cell.memberUserId,
          cell.taskId,
          cell.seconds,
          cell.gross,
          cell.platformFees,
          cell.net,
          cell.releases,
        ],
      );
    }
  }
}
