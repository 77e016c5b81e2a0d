import { Injectable } from '@nestjs/common';
import type { SystemManager } from '@fpms/database/tenant-manager';
import { writeQuery } from '@fpms/database/write-query';

export type WorkspaceClaim = { id: string; account_id: string; workspace_id: string };

/**
 * The weekly cycle's due work across every tenant, on the system (BYPASSRLS) pool: short
 * leases taken under FOR UPDATE SKIP LOCKED, so with several replicas each is handled by one
 * of them at a time; a replica that dies mid-work leaves a lease that simply expires. The
 * work itself is re-checked in the tenant's transaction (the claim only says where to look).
 */
@Injectable()
export class TimeWeekClaimsRepository {
  /**
   * Contracts whose workspace has a week to close: an entry (or a running timer) not yet
   * locked that started in a week which ended (Monday 00:00, the account's time zone, DST
   * included: PostgreSQL places the local midnight) while the contract was active.
   */
  async claimCloses(manager: SystemManager, now: Date, leaseMs: number, limit: number): Promise<WorkspaceClaim[]> {
    const { rows } = await writeQuery<WorkspaceClaim>(
      manager,
      `update hourly_contracts c set close_claimed_until = $2
        where c.id in (
          select c2.id from hourly_contracts c2 join accounts a on a.id = c2.account_id
           where c2.accepted_at is not null and (c2.close_claimed_until is null or c2.close_claimed_until < $1)
             and exists (
               select 1 from time_entries e
                cross join lateral (select date_trunc('week', e.started_at at time zone a.time_zone) as local_monday) w
                where e.workspace_id = c2.workspace_id and e.locked_at is null
                  and ((w.local_monday + interval '7 days') at time zone a.time_zone) <= $1
                  and c2.accepted_at < ((w.local_monday + interval '7 days') at time zone a.time_zone)
                  and (c2.ended_at is null or c2.ended_at >= (w.local_monday at time zone a.time_zone)))
           order by c2.id
           limit $3
           for update of c2 skip locked)
      returning c.id, c.account_id, c.workspace_id`,
      [now, new Date(now.getTime() + leaseMs), limit],
    );
    return rows;
  }

  /** Weeks still in review whose window lapsed. */
  async claimLapsedReviews(manager: SystemManager, now: Date, leaseMs: number, limit: number): Promise<WorkspaceClaim[]> {
    const { rows } = await writeQuery<WorkspaceClaim>(
      manager,
      `update time_weeks w set claimed_until = $2
        where w.id in (
          select id from time_weeks
           where status = 'in_review' and review_due_at <= $1 and (claimed_until is null or claimed_until < $1)
           order by review_due_at limit $3
           for update skip locked)
      returning w.id, w.account_id, w.workspace_id`,
      [now, new Date(now.getTime() + leaseMs), limit],
    );
    return rows;
  }

  /** Open disputes the freelancer's owner left unanswered past their response deadline. */
  async claimLapsedDisputes(manager: SystemManager, now: Date, leaseMs: number, limit: number): Promise<WorkspaceClaim[]> {
    const { rows } = await writeQuery<WorkspaceClaim>(
      manager,
      `update time_entry_disputes d set claimed_until = $2
        where d.entry_id in (
          select entry_id from time_entry_disputes
           where status = 'open' and respond_by <= $1 and (claimed_until is null or claimed_until < $1)
           order by respond_by limit $3
           for update skip locked)
      returning d.entry_id as id, d.account_id, d.workspace_id`,
      [now, new Date(now.getTime() + leaseMs), limit],
    );
    return rows;
  }
}
