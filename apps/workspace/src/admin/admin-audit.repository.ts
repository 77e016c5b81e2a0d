import { Injectable } from '@nestjs/common';
import { AdminAuditView } from '@fpms/contracts';
import type { SystemManager } from '@fpms/database/tenant-manager';

/** A row of admin_access_audit as the list query selects it. */
interface AdminAuditRow {
  id: string;
  admin_user_id: string;
  reason: string;
  action: string;
  target_account_id: string | null;
  resource_ids: string[];
  request_id: string | null;
  created_at: Date | string;
}

/** The append-only record of platform-admin cross-tenant reads (system role only). */
@Injectable()
export class AdminAuditRepository {
  async insert(
    manager: SystemManager,
    entry: {
      adminUserId: string;
      reason: string;
      action: string;
      targetAccountId: string | null;
      resourceIds: string[];
      requestId: string;
    },
  ): Promise<string> {
    const [row] = await manager.query(
      `insert into admin_access_audit (admin_user_id, reason, action, target_account_id, resource_ids, request_id)
       values ($1, $2, $3, $4, $5, $6) returning id::text`,
      [entry.adminUserId, entry.reason, entry.action, entry.targetAccountId, JSON.stringify(entry.resourceIds), entry.requestId],
    );
    return row.id;
  }

  async list(manager: SystemManager, limit: number): Promise<AdminAuditView[]> {
    const rows: AdminAuditRow[] = await manager.query(
      `select id::text, admin_user_id, reason, action, target_account_id, resource_ids, request_id, created_at
         from admin_access_audit order by admin_access_audit.id desc limit $1`,
      [limit],
    );
    return rows.map((r) => ({
      id: r.id,
      adminUserId: r.admin_user_id,
      reason: r.reason,
      action: r.action,
      targetAccountId: r.target_account_id,
      resourceIds: r.resource_ids,
      requestId: r.request_id,
      createdAt: new Date(r.created_at).toISOString(),
    }));
  }
}
