import { Injectable } from '@nestjs/common';
import type { EventEnvelope, MilestoneEventData } from '@fpms/contracts';
import type { SystemManager, TenantManager } from '@fpms/database/tenant-manager';

/** One step of a milestone as billing saw it in a workspace.milestone.* event. */
export interface MilestoneActivity {
  eventType: string;
  milestoneVersion: number;
  status: string;
  title: string;
  description: string | null;
  amount: number;
  currency: string;
  actorUserId: string | null;
  deliverableFileVersionId: string | null;
  /** The deliverable's file name, from files.version.ready; null when billing never received that event. */
  deliverableFileName: string | null;
  approvedBy: string | null;
  occurredAt: Date;
}

/**
 * billing's own record of each milestone's steps, from the workspace events it consumes: the
 * facts a chargeback's evidence is made of, kept here so that answering Stripe needs no read
 * into the workspace service (and no trust path for a caller without a user).
 */
@Injectable()
export class MilestoneActivityRepository {
  async record(manager: TenantManager, event: EventEnvelope<MilestoneEventData>): Promise<void> {
    const d = event.data;
    await manager.query(
      `insert into milestone_activity (event_id, milestone_id, account_id, workspace_id, event_type, milestone_version, status, title,
                                       description, amount, currency, actor_user_id, deliverable_file_version_id, approved_by, occurred_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
       on conflict (event_id) do nothing`,
      [
        event.id,
        d.milestoneId,
        d.accountId,
        d.workspaceId,
        event.type,
        event.aggregateVersion,
        d.status,
        d.title,
        d.description ?? null,
        d.amount,
        d.currency,
        d.actorUserId,
        d.deliverableFileVersionId,
        d.approvedBy ?? null,
        event.occurredAt,
      ],
    );
  }
}

/**
 * The same record read across tenants (the evidence worker runs for every tenant's chargebacks),
 * each deliverable with the file name billing kept for it in the same account.
 */
@Injectable()
export class CrossTenantMilestoneActivityRepository {
  async list(manager: SystemManager, milestoneId: string): Promise<MilestoneActivity[]> {
    const rows: Array<Record<string, unknown>> = await manager.query(
      `select a.*, n.name as deliverable_file_name
         from milestone_activity a
         left join file_version_names n on n.account_id = a.account_id and n.version_id = a.deliverable_file_version_id
        where a.milestone_id = $1
        order by a.milestone_version, a.occurred_at`,
      [milestoneId],
    );
    return rows.map((r) => ({
      eventType: r.event_type as string,
      milestoneVersion: Number(r.milestone_version),
      status: r.status as string,
      title: r.title as string,
      description: (r.description as string) ?? null,
      amount: Number(r.amount),
      currency: r.currency as string,
      actorUserId: (r.actor_user_id as string) ?? null,
      deliverableFileVersionId: (r.deliverable_file_version_id as string) ?? null,
      deliverableFileName: (r.deliverable_file_name as string) ?? null,
      approvedBy: (r.approved_by as string) ?? null,
      occurredAt: new Date(r.occurred_at as string),
    }));
  }
}
