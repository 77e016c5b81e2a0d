import { Injectable } from '@nestjs/common';
import type { DisputeStatus } from '@fpms/contracts';
import type { SystemManager } from '@fpms/database/tenant-manager';
import { writeQuery } from '@fpms/database/write-query';
import { DISPUTE_COLUMNS, DisputeRow, EVIDENCE_COLUMNS, EvidenceRow } from './dispute-rows';

type SummaryRow = DisputeRow & { evidence_count: string; milestone_title: string; amount: string };

/**
 * Disputes across tenants, on the system (BYPASSRLS) pool: only the audited admin reads
 * (AdminDisputesService, which writes the audit row first) and the deadline poller's claims.
 */
@Injectable()
export class CrossTenantDisputesRepository {
  async list(
    manager: SystemManager,
    q: { status: DisputeStatus; accountId?: string; before?: string; limit: number },
  ): Promise<{ rows: SummaryRow[]; nextBefore: string | null }> {
    const rows: SummaryRow[] = await manager.query(
      `select ${DISPUTE_COLUMNS}, m.title as milestone_title, m.amount::text as amount,
              (select count(*) from milestone_dispute_evidence e where e.dispute_id = d.id)::text as evidence_count
         from milestone_disputes d join milestones m on m.id = d.milestone_id
        where d.status = $1 and ($2::uuid is null or d.account_id = $2::uuid) and ($3::bigint is null or d.seq < $3::bigint)
        order by d.seq desc limit $4`,
      [q.status, q.accountId ?? null, q.before ?? null, q.limit + 1],
    );
    const page = rows.slice(0, q.limit);
    return { rows: page, nextBefore: rows.length > q.limit ? page[page.length - 1].seq : null };
  }

  async find(manager: SystemManager, disputeId: string): Promise<DisputeRow | null> {
    const [row] = await manager.query(`select ${DISPUTE_COLUMNS} from milestone_disputes d where d.id = $1`, [disputeId]);
    return row ?? null;
  }

  async evidence(manager: SystemManager, disputeId: string): Promise<EvidenceRow[]> {
    return manager.query(`select ${EVIDENCE_COLUMNS} from milestone_dispute_evidence e where e.dispute_id = $1 order by e.seq`, [
      disputeId,
    ]);
  }

  /**
   * Open disputes past their response deadline and not yet handled, leased (like review
   * timers) under FOR UPDATE SKIP LOCKED: each is handled by one replica; a replica that
   * dies mid-work leaves a lease that expires.
   */
  async claimDue(
    manager: SystemManager,
    now: Date,
    leaseMs: number,
    limit: number,
  ): Promise<Array<{ id: string; account_id: string; workspace_id: string; milestone_id: string }>> {
    const { rows } = await writeQuery<{ id: string; account_id: string; workspace_id: string; milestone_id: string }>(
      manager,
      `update milestone_disputes d set deadline_claimed_until = $2
        where d.id in (
              select id from milestone_disputes
               where status = 'open' and deadline_passed_at is null and response_due_at <= $1
                 and (deadline_claimed_until is null or deadline_claimed_until < $1)
               order by response_due_at limit $3
               for update skip locked)
      returning d.id, d.account_id, d.workspace_id, d.milestone_id`,
      [now, new Date(now.getTime() + leaseMs), limit],
    );
    return rows;
  }
}
