import { Injectable } from '@nestjs/common';
import type { SystemManager, TenantManager } from '@fpms/database/tenant-manager';
import { Order, toOrder } from '../payments/order';
import { Chargeback, toChargeback } from './chargeback';

/**
 * Chargebacks as Stripe's webhooks and the evidence worker reach them: every tenant's, on the
 * system pool. Each lock… method locks what it returns for the rest of the transaction.
 */
@Injectable()
export class CrossTenantChargebacksRepository {
  /** The order a charge paid, locked (disputes name the charge, not the order). */
  async lockOrderByCharge(manager: SystemManager, chargeId: string): Promise<Order | null> {
    const rows: Array<Record<string, unknown>> = await manager.query(`select * from orders where charge_id = $1 for update`, [chargeId]);
    return rows[0] ? toOrder(rows[0]) : null;
  }

  async lock(manager: SystemManager, disputeId: string): Promise<Chargeback | null> {
    const rows: Array<Record<string, unknown>> = await manager.query(`select * from chargebacks where id = $1 for update`, [disputeId]);
    return rows[0] ? toChargeback(rows[0]) : null;
  }

  /** The order's chargebacks as billing last saw them, unlocked (reconciliation reads them). */
  async listForOrder(manager: SystemManager, orderId: string): Promise<Chargeback[]> {
    const rows: Array<Record<string, unknown>> = await manager.query(
      `select * from chargebacks where order_id = $1 order by opened_at, id`,
      [orderId],
    );
    return rows.map(toChargeback);
  }

  async insert(manager: SystemManager, c: Chargeback): Promise<void> {
    await manager.query(
      `insert into chargebacks (id, order_id, account_id, workspace_id, milestone_id, charge_id, amount, currency, reason, stripe_status,
                                evidence_due_by, evidence_submit_at, opened_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      [
        c.id,
        c.orderId,
        c.accountId,
        c.workspaceId,
        c.milestoneId,
        c.chargeId,
        c.amount,
        c.currency,
        c.reason,
        c.stripeStatus,
        c.evidenceDueBy,
        c.evidenceSubmitAt,
        c.openedAt,
      ],
    );
  }

  /** Writes every mutable column. */
  async save(manager: SystemManager, c: Chargeback): Promise<void> {
    await manager.query(
      `update chargebacks set amount = $2, stripe_status = $3, outcome = $4, evidence_due_by = $5, evidence_submit_at = $6,
              evidence_submitted_at = $7, evidence = $8, evidence_last_error = $9, closed_at = $10,
              evidence_attempts = $11, evidence_flagged_at = $12, updated_at = now()
        where id = $1`,
      [
        c.id,
        c.amount,
        c.stripeStatus,
        c.outcome,
        c.evidenceDueBy,
        c.evidenceSubmitAt,
        c.evidenceSubmittedAt,
        c.evidence === null ? null : JSON.stringify(c.evidence),
        c.evidenceLastError,
        c.closedAt,
        c.evidenceAttempts,
        c.evidenceFlaggedAt,
      ],
    );
  }

  /** Open chargebacks whose evidence is due from billing now, each locked; rows other replicas hold are passed over. */
  async claimDueEvidence(manager: SystemManager, now: Date, limit: number): Promise<Chargeback[]> {
    const rows: Array<Record<string, unknown>> = await manager.query(
      `select c.* from chargebacks c
        where c.evidence_submitted_at is null and c.outcome is null and c.evidence_flagged_at is null and c.evidence_submit_at <= $1
          and not exists (select 1 from chargeback_self_responses s where s.milestone_id = c.milestone_id)
        order by c.evidence_submit_at
        limit $2
        for update of c skip locked`,
      [now, limit],
    );
    return rows.map(toChargeback);
  }
}

/** A workspace's chargebacks as its members read them (tenant pool, RLS). */
@Injectable()
export class ChargebacksRepository {
  async listForMilestone(manager: TenantManager, milestoneId: string): Promise<Chargeback[]> {
    const rows: Array<Record<string, unknown>> = await manager.query(
      `select * from chargebacks where milestone_id = $1 order by opened_at, id`,
      [milestoneId],
    );
    return rows.map(toChargeback);
  }
}

/** The freelancer's choice to answer a milestone's chargebacks personally (billing then submits nothing). */
@Injectable()
export class ChargebackSelfResponsesRepository {
  async record(manager: TenantManager, input: { milestoneId: string; accountId: string; workspaceId: string; userId: string; at: Date }) {
    await manager.query(
      `insert into chargeback_self_responses (milestone_id, account_id, workspace_id, chosen_by, chosen_at) values ($1, $2, $3, $4, $5)
       on conflict (milestone_id) do nothing`,
      [input.milestoneId, input.accountId, input.workspaceId, input.userId, input.at],
    );
  }

  async find(manager: TenantManager, milestoneId: string): Promise<{ chosenBy: string; chosenAt: Date } | null> {
    const rows: Array<{ chosen_by: string; chosen_at: string }> = await manager.query(
      `select chosen_by, chosen_at from chargeback_self_responses where milestone_id = $1`,
      [milestoneId],
    );
    return rows[0] ? { chosenBy: rows[0].chosen_by, chosenAt: new Date(rows[0].chosen_at) } : null;
  }

  /**
   * The milestone's open chargebacks that billing already answered (the choice comes too late
   * for those). Locks every open one: a worker submitting right now finishes first, and one
   * that has not started skips them until the choice is committed.
   */
  async submittedFor(manager: TenantManager, milestoneId: string): Promise<string[]> {
    const rows: Array<{ id: string; evidence_submitted_at: string | null }> = await manager.query(
      `select id, evidence_submitted_at from chargebacks where milestone_id = $1 and outcome is null for update`,
      [milestoneId],
    );
    return rows.filter((r) => r.evidence_submitted_at !== null).map((r) => r.id);
  }
}
