import { Injectable } from '@nestjs/common';
import type { TenantManager } from '@fpms/database/tenant-manager';

export interface MoneyEventRecord {
  eventId: string;
  accountId: string;
  workspaceId: string;
  milestoneId: string;
  type: string;
  amount: number | null;
  currency: string | null;
  /** The order's money state the event carried. */
  money: unknown;
  billingVersion: number;
  outcome: 'applied' | 'already' | 'stale';
  occurredAt: string;
}

/** The append-only record of every billing money fact the workspace received, and what it did with it. */
@Injectable()
export class MoneyEventsRepository {
  async record(manager: TenantManager, e: MoneyEventRecord): Promise<void> {
    await manager.query(
      `insert into milestone_money_events (event_id, account_id, workspace_id, milestone_id, type, amount, currency, billing_version, outcome, occurred_at, money)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        e.eventId,
        e.accountId,
        e.workspaceId,
        e.milestoneId,
        e.type,
        e.amount,
        e.currency,
        e.billingVersion,
        e.outcome,
        e.occurredAt,
        JSON.stringify(e.money),
      ],
    );
  }
}
