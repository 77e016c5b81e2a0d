import { Injectable } from '@nestjs/common';
import { ApprovalAction, ApprovalGateView, ApprovalPolicyView } from '@fpms/contracts';
import type { TenantManager } from '@fpms/database/tenant-manager';
import { writeQuery } from '@fpms/database/write-query';

interface PolicyRow {
  workspace_id: string;
  action: ApprovalAction;
  side: 'client' | 'freelancer';
  gates: ApprovalGateView[];
  version: number;
  updated_by: string;
  updated_at: Date;
}

const toView = (r: PolicyRow): ApprovalPolicyView => ({
  workspaceId: r.workspace_id,
  action: r.action,
  side: r.side,
  gates: r.gates,
  version: r.version,
  updatedBy: r.updated_by,
  updatedAt: new Date(r.updated_at).toISOString(),
});

/** A workspace's approval policies: one ordered chain of gates per action, versioned. */
@Injectable()
export class ApprovalPoliciesRepository {
  async find(manager: TenantManager, workspaceId: string, action: ApprovalAction): Promise<ApprovalPolicyView | null> {
    const [row]: PolicyRow[] = await manager.query(`select * from approval_policies where workspace_id = $1 and action = $2`, [
      workspaceId,
      action,
    ]);
    return row ? toView(row) : null;
  }

  async list(manager: TenantManager, workspaceId: string): Promise<ApprovalPolicyView[]> {
    const rows: PolicyRow[] = await manager.query(`select * from approval_policies where workspace_id = $1 order by action`, [workspaceId]);
    return rows.map(toView);
  }

  /** Replaces the chain; the version only grows (an open request keeps the one it started with). */
  async put(
    manager: TenantManager,
    input: {
      accountId: string;
      workspaceId: string;
      action: ApprovalAction;
      side: 'client' | 'freelancer';
      gates: ApprovalGateView[];
      userId: string;
      now: Date;
    },
  ): Promise<ApprovalPolicyView> {
    const [row]: PolicyRow[] = await manager.query(
      `insert into approval_policies (account_id, workspace_id, action, side, gates, version, updated_by, updated_at)
       values ($1, $2, $3, $4, $5, 1, $6, $7)
       on conflict (workspace_id, action) do update
         set gates = excluded.gates, version = approval_policies.version + 1, updated_by = excluded.updated_by, updated_at = excluded.updated_at
       returning *`,
      [input.accountId, input.workspaceId, input.action, input.side, JSON.stringify(input.gates), input.userId, input.now],
    );
    return toView(row);
  }

  async delete(manager: TenantManager, workspaceId: string, action: ApprovalAction): Promise<boolean> {
    const { affected } = await writeQuery(manager, `delete from approval_policies where workspace_id = $1 and action = $2`, [
      workspaceId,
      action,
    ]);
    return affected > 0;
  }
}
