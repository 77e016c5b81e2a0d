import { Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { writeQuery } from '@fpms/database/write-query';
import type { SystemManager } from '@fpms/database/tenant-manager';

export interface ClaimedEmail {
  id: string;
  user_id: string | null;
  to_address: string;
  template_id: string;
  data: Record<string, unknown>;
  unsubscribe_scope: string | null;
  attempts: number;
}

/** The worker's side of the email outbox: cross-tenant by nature, on the system pool. */
@Injectable()
export class EmailOutboxRepository {
  /**
   * Leases due emails (pending and due, or sending with an expired lease: a replica died
   * mid-send) under FOR UPDATE SKIP LOCKED: each email goes to exactly one worker.
   */
  async claimDue(manager: SystemManager, now: Date, leaseMs: number, limit: number): Promise<ClaimedEmail[]> {
    const { rows } = await writeQuery<ClaimedEmail>(
      manager,
      `update email_outbox e set status = 'sending', claimed_until = $2, coalesce_key = null
        where e.id in (
              select id from email_outbox
               where (status = 'pending' and send_after <= $1) or (status = 'sending' and claimed_until < $1)
               order by send_after
               limit $3
               for update skip locked)
      returning e.id, e.user_id, e.to_address, e.template_id, e.data, e.unsubscribe_scope, e.attempts`,
      [now, new Date(now.getTime() + leaseMs), limit],
    );
    return rows;
  }

  /** Emails still to send (for the metrics): one autocommit count on the system pool. */
  async pendingCount(system: DataSource): Promise<number> {
    const [row] = (await system.query(`select count(*)::int as n from email_outbox where status in ('pending', 'sending')`)) as Array<{
      n: number;
    }>;
    return row?.n ?? 0;
  }

  async markSent(manager: SystemManager, id: string, now: Date, messageId: string): Promise<void> {
    await manager.query(
      `update email_outbox set status = 'sent', sent_at = $2, smtp_message_id = $3, attempts = attempts + 1, claimed_until = null where id = $1`,
      [id, now, messageId],
    );
  }

  async markRetry(manager: SystemManager, id: string, retryAt: Date, error: string): Promise<void> {
    await manager.query(
      `update email_outbox set status = 'pending', send_after = $2, attempts = attempts + 1, last_error = $3, claimed_until = null where id = $1`,
      [id, retryAt, error.slice(0, 2000)],
    );
  }

  /** Kept, never deleted: an operator sees what could not be sent and why. */
  async markFailed(manager: SystemManager, id: string, error: string): Promise<void> {
    await manager.query(
      `update email_outbox set status = 'failed', attempts = attempts + 1, last_error = $2, claimed_until = null where id = $1`,
      [id, error.slice(0, 2000)],
    );
  }
}
