import { Injectable } from '@nestjs/common';
import { MyWorkspaceView, WorkspaceView } from '@fpms/contracts';
import { WorkspaceEntity } from './entities/workspace.entity';
import { preparedQuery } from '@fpms/database/prepared-query';
import type { SystemManager, TenantManager } from '@fpms/database/tenant-manager';

interface MyWorkspaceRow {
  id: string;
  account_id: string;
  name: string;
  client_name: string | null;
  created_by: string;
  created_at: Date;
  review_window_days: number;
  role: MyWorkspaceView['role'];
}

const toWorkspaceView = (r: Omit<MyWorkspaceRow, 'role'>): WorkspaceView => ({
  id: r.id,
  accountId: r.account_id,
  name: r.name,
  clientName: r.client_name,
  createdBy: r.created_by,
  createdAt: new Date(r.created_at).toISOString(),
});

const toView = (r: MyWorkspaceRow): MyWorkspaceView => ({ ...toWorkspaceView(r), reviewWindowDays: r.review_window_days, role: r.role });

/** SQL for workspaces, always inside a tenant- or user-scoped transaction (RLS applies). */
@Injectable()
export class WorkspacesRepository {
  insert(manager: TenantManager, workspace: Omit<WorkspaceEntity, 'createdAt'>): Promise<WorkspaceEntity> {
    const repo = manager.getRepository(WorkspaceEntity);
    return repo.save(repo.create(workspace));
  }

  /** The caller's workspaces across every account; the transaction is scoped to the user. */
  async listForMember(manager: TenantManager, userId: string, limit = 200): Promise<MyWorkspaceView[]> {
    const rows: MyWorkspaceRow[] = await manager.query(
      `select w.id, w.account_id, w.name, w.client_name, w.created_by, w.created_at, w.review_window_days, m.role
         from workspace_members m
         join workspaces w on w.id = m.workspace_id
        where m.user_id = $1
        order by w.created_at desc, w.id
        limit $2`,
      [userId, limit],
    );
    return rows.map(toView);
  }

  /** Every workspace of one account, read across tenants: only for the audited admin path on the system connection. */
  async listByAccountAcrossTenants(manager: SystemManager, accountId: string): Promise<WorkspaceView[]> {
    const rows: Omit<MyWorkspaceRow, 'role'>[] = await manager.query(
      `select id, account_id, name, client_name, created_by, created_at from workspaces where account_id = $1 order by created_at desc, id`,
      [accountId],
    );
    return rows.map(toWorkspaceView);
  }

  async findForMember(manager: TenantManager, workspaceId: string, userId: string): Promise<MyWorkspaceView | null> {
    // GET /workspaces/:id: prepared once per connection (planning the RLS policies is most of its cost).
    const [row] = await preparedQuery<MyWorkspaceRow>(
      manager,
      `select w.id, w.account_id, w.name, w.client_name, w.created_by, w.created_at, w.review_window_days, m.role
         from workspaces w join workspace_members m on m.workspace_id = w.id and m.user_id = $2
        where w.id = $1`,
      [workspaceId, userId],
    );
    return row ? toView(row) : null;
  }

  async update(
    manager: TenantManager,
    workspaceId: string,
    changes: { name?: string; clientName?: string | null; reviewWindowDays?: number },
  ): Promise<void> {
    await manager.query(
      `update workspaces set name = coalesce($2, name), client_name = case when $3::boolean then $4 else client_name end,
              review_window_days = coalesce($5, review_window_days) where id = $1`,
      [workspaceId, changes.name ?? null, changes.clientName !== undefined, changes.clientName ?? null, changes.reviewWindowDays ?? null],
    );
  }
}
