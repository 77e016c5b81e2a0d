import { Injectable } from '@nestjs/common';
import { ErasureBlockerKind, ErasureBlockerView } from '@fpms/contracts';
import type { SystemManager, TenantManager } from '@fpms/database/tenant-manager';

/** SQL of personal-data erasure (issue 18 part 5) in the workspace service. */
@Injectable()
export class ErasureRepository {
  /** The workspaces the user is a member of (their own memberships, across tenants). */
  async membershipsOf(manager: TenantManager, userId: string): Promise<Array<{ workspaceId: string; accountId: string }>> {
    const rows: Array<{ workspace_id: string; account_id: string }> = await manager.query(
      `select workspace_id, account_id from workspace_members where user_id = $1 order by workspace_id`,
      [userId],
    );
    return rows.map((r) => ({ workspaceId: r.workspace_id, accountId: r.account_id }));
  }

  /**
   * Money in flight in one workspace (a workspace-scoped transaction), from billing's newest
   * money state on each milestone: a dispute or chargeback freezes it; approved but not yet
   * released is a release pending; any other money held is escrow.
   */
  async blockersIn(manager: TenantManager, workspaceId: string): Promise<ErasureBlockerView[]> {
    const rows: Array<{ id: string; kind: ErasureBlockerKind }> = await manager.query(
      `select id,
              case when dispute_opened_by is not null or money_disputed > 0 then 'dispute_open'
                   when work_status = 'approved' then 'release_pending'
                   else 'escrow_held' end as kind
         from milestones
        where workspace_id = $1
          and (dispute_opened_by is not null or money_disputed > 0
               or money_charged - money_released - money_refunded > 0)
        order by id`,
      [workspaceId],
    );
    return rows.map((r) => ({ kind: r.kind, workspaceId, milestoneId: r.id }));
  }

  /**
   * Pseudonymises the user's address wherever the workspace service keeps it: their
   * memberships in every tenant, and the invitations addressed to an address they had.
   * Idempotent: a second run finds only the pseudonym. Answers the rows changed.
   */
  async pseudonymise(
    manager: SystemManager,
    userId: string,
    pseudonym: string,
  ): Promise<{ memberships: number; invitations: number; activityEntries: number }> {
    // The activity log is append-only: its one allowed change is this redaction, per tenant
    // (migration 1736750000000), of the addresses the user was invited and joined with.
    const tenants: Array<{ account_id: string; email: string }> = await manager.query(
      `select i.account_id, i.email from workspace_invitations i
        where i.email in (select m.email from workspace_members m where m.user_id = $1 and m.email <> $2)
       union
       select m.account_id, m.email from workspace_members m where m.user_id = $1 and m.email <> $2`,
      [userId, pseudonym],
    );
    let activityEntries = 0;
    for (const { account_id, email } of tenants) {
      const [{ changed }] = await manager.query(`select redact_activity_address($1, $2, $3) as changed`, [account_id, email, pseudonym]);
      activityEntries += Number(changed);
    }
    const invitations: unknown[] = await manager.query(
      `update workspace_invitations i set email = $2
        where i.email in (select distinct m.email from workspace_members m where m.user_id = $1 and m.email <> $2)
        returning i.id`,
      [userId, pseudonym],
    );
    const memberships: unknown[] = await manager.query(
      `update workspace_members set email = $2 where user_id = $1 and email <> $2 returning workspace_id`,
      [userId, pseudonym],
    );
    return { memberships: rowCount(memberships), invitations: rowCount(invitations), activityEntries };
  }
}

/** `manager.query` answers `[rows, count]` for an UPDATE … RETURNING on postgres. */
function rowCount(result: unknown[]): number {
  const rows = Array.isArray(result[0]) ? (result[0] as unknown[]) : result;
  return rows.length;
}
