import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '@fpms/common/scheduling/clock';
import type { SystemManager, TenantManager } from '@fpms/database/tenant-manager';
import type { Order } from '../payments/order';

/** The client group of money whose paying client billing does not know (orders from before it recorded one). */
export const UNKNOWN_CLIENT = '00000000-0000-0000-0000-000000000000';

/** Why `refunded` grew: a refund (owner, request, Stripe's Dashboard) or a dispute (a lost chargeback, an in-app dispute's refund part). */
export type RefundCause = 'refund' | 'dispute';

/** What an order's money state change adds to a day (signed minor units). */
export interface EarningsDelta {
  gross: number;
  platformFees: number;
  refunds: number;
  disputes: number;
  net: number;
  inEscrow: number;
}

interface HeldState {
  version: number;
  charged: number;
  released: number;
  platformFee: number;
  refunded: number;
  releaseTimed: boolean;
  clientUserId: string;
}

/**
 * The earnings difference between two money states of one order. Net is what reached the
 * freelancer (released − the platform's fee), fees what the platform keeps (a fee share given
 * back on a refund after release is a negative fee), and in escrow what the client paid that
 * is neither released nor refunded — so gross = fees + refunds + disputes + net + in escrow.
 */
export function earningsDelta(
  before: Pick<HeldState, 'charged' | 'released' | 'platformFee' | 'refunded'>,
  after: Pick<Order, 'charged' | 'released' | 'platformFee' | 'refunded'>,
  cause: RefundCause,
): EarningsDelta {
  const gross = after.charged - before.charged;
  const refunded = after.refunded - before.refunded;
  const platformFees = after.platformFee - before.platformFee;
  const net = after.released - after.platformFee - (before.released - before.platformFee);
  return {
    gross,
    platformFees,
    refunds: cause === 'refund' ? refunded : 0,
    disputes: cause === 'dispute' ? refunded : 0,
    net,
    inEscrow: gross - refunded - platformFees - net,
  };
}

/**
 * Keeps the earnings read model (`earnings_daily`) up to date: called for every money state an
 * order publishes (MilestonePaymentEvents), in the transaction that saved the order and wrote
 * its ledger entries, so the report can never drift from the ledger. It applies the difference
 * from the last state the order contributed (`earnings_order_state`, locked), once per version:
 * a state replayed or older than the one held adds nothing. The day is the transaction's (UTC
 * `now()`, the very timestamp its ledger entries get), so a day's row sums exactly that day's
 * entries; the group is the order's workspace and paying client. The first release also counts
 * the days since the milestone's last submission (billing's record of the workspace's events),
 * kept as a sum and a count so an average over any range costs one read.
 */
@Injectable()
export class EarningsRecorder {
  constructor(@Inject(Clock) private readonly clock: Clock) {}

  async record(manager: SystemManager | TenantManager, order: Order, cause: RefundCause = 'refund'): Promise<void> {
    const held = await this.lockState(manager, order);
    if (held && order.version <= held.version) return;
    // Nothing was ever paid: no earnings yet (a failed or expired checkout).
    if (!held && order.charged === 0) return;
    const before = held ?? { charged: 0, released: 0, platformFee: 0, refunded: 0, releaseTimed: false, clientUserId: '' };
    const clientUserId = held?.clientUserId ?? (await this.clientOf(manager, order));
    const delta = earningsDelta(before, order, cause);
    const now = this.clock.now();
    const firstRelease = !before.releaseTimed && order.released > 0;
    const releaseSeconds = firstRelease ? await this.secondsSinceSubmission(manager, order, now) : null;
    await manager.query(
      `insert into earnings_order_state (order_id, account_id, workspace_id, client_user_id, currency, version,
                                         charged, released, platform_fee, refunded, release_timed)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       on conflict (order_id) do update set version = $6, charged = $7, released = $8, platform_fee = $9, refunded = $10,
         release_timed = $11`,
      [
        order.id,
        order.accountId,
        order.workspaceId,
        clientUserId,
        order.currency,
        order.version,
        order.charged,
        order.released,
        order.platformFee,
        order.refunded,
        before.releaseTimed || firstRelease,
      ],
    );
    const moved = Object.values(delta).some((v) => v !== 0);
    if (!moved && !firstRelease) return;
    await manager.query(
      `insert into earnings_daily (account_id, currency, day, workspace_id, client_user_id,
                                   gross, platform_fees, refunds, disputes, net, in_escrow, releases, timed_releases, release_seconds)
       values ($1, $2, (now() at time zone 'UTC')::date, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
       on conflict (account_id, currency, day, workspace_id, client_user_id) do update set
         gross = earnings_daily.gross + excluded.gross,
         platform_fees = earnings_daily.platform_fees + excluded.platform_fees,
         refunds = earnings_daily.refunds + excluded.refunds,
         disputes = earnings_daily.disputes + excluded.disputes,
         net = earnings_daily.net + excluded.net,
         in_escrow = earnings_daily.in_escrow + excluded.in_escrow,
         releases = earnings_daily.releases + excluded.releases,
         timed_releases = earnings_daily.timed_releases + excluded.timed_releases,
         release_seconds = earnings_daily.release_seconds + excluded.release_seconds`,
      [
        order.accountId,
        order.currency,
        order.workspaceId,
        clientUserId,
        delta.gross,
        delta.platformFees,
        delta.refunds,
        delta.disputes,
        delta.net,
        delta.inEscrow,
        firstRelease ? 1 : 0,
        releaseSeconds === null ? 0 : 1,
        releaseSeconds ?? 0,
      ],
    );
  }

  private async lockState(manager: SystemManager | TenantManager, order: Order): Promise<HeldState | null> {
    const rows: Array<Record<string, unknown>> = await manager.query(`select * from earnings_order_state where order_id = $1 for update`, [
      order.id,
    ]);
    const r = rows[0];
    if (!r) return null;
    return {
      version: Number(r.version),
      charged: Number(r.charged),
      released: Number(r.released),
      platformFee: Number(r.platform_fee),
      refunded: Number(r.refunded),
      releaseTimed: r.release_timed === true,
      clientUserId: r.client_user_id as string,
    };
  }

  /** The order's paying client (the client admin who opened its checkout), fixed at the order's first money state. */
  private async clientOf(manager: SystemManager | TenantManager, order: Order): Promise<string> {
    const rows: Array<{ client_user_id: string | null }> = await manager.query(`select client_user_id from orders where id = $1`, [
      order.id,
    ]);
    return rows[0]?.client_user_id ?? UNKNOWN_CLIENT;
  }

  private async secondsSinceSubmission(manager: SystemManager | TenantManager, order: Order, now: Date): Promise<number | null> {
    const rows: Array<{ at: Date | null }> = await manager.query(
      `select max(occurred_at) as at from milestone_activity
        where milestone_id = $1 and event_type = 'workspace.milestone.submitted' and occurred_at <= $2`,
      [order.milestoneId, now],
    );
    const at = rows[0]?.at;
    if (!at) return null;
    return Math.max(0, Math.round((now.getTime() - new Date(at).getTime()) / 1000));
  }
}
