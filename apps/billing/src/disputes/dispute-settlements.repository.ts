import { Injectable } from '@nestjs/common';
import type { TenantManager } from '@fpms/database/tenant-manager';
import type { Order } from '../payments/order';

export interface DisputeSettlement {
  disputeId: string;
  outcome: 'release' | 'refund' | 'split';
  releaseAmount: number;
  refundAmount: number;
  status: 'applied' | 'rejected';
  reason: string | null;
  refundId: string | null;
  sourceEventId: string;
}

/** One row per in-app dispute billing carried out (or refused to): the dispute id is the key. */
@Injectable()
export class DisputeSettlementsRepository {
  /** Records the settlement unless this dispute already has one; answers whether it is new. */
  async insert(manager: TenantManager, order: Order, s: DisputeSettlement): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `insert into dispute_settlements (dispute_id, order_id, account_id, workspace_id, milestone_id, outcome, release_amount, refund_amount,
         status, reason, refund_id, source_event_id)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       on conflict (dispute_id) do nothing
       returning dispute_id`,
      [
        s.disputeId,
        order.id,
        order.accountId,
        order.workspaceId,
        order.milestoneId,
        s.outcome,
        s.releaseAmount,
        s.refundAmount,
        s.status,
        s.reason,
        s.refundId,
        s.sourceEventId,
      ],
    );
    return rows.length === 1;
  }

  async exists(manager: TenantManager, disputeId: string): Promise<boolean> {
    const rows: unknown[] = await manager.query(`select 1 from dispute_settlements where dispute_id = $1`, [disputeId]);
    return rows.length === 1;
  }
}
