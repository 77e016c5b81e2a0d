import { Injectable } from '@nestjs/common';
import type { SystemManager } from '@fpms/database/tenant-manager';

/** `billing_admin_audit`: the append-only record of platform admins' cross-tenant reads in billing (system role only). */
@Injectable()
export class BillingAdminAuditRepository {
  async insert(
    manager: SystemManager,
    entry: { adminUserId: string; reason: string; action: string; filter: object; resourceIds: string[]; requestId: string },
  ): Promise<string> {
    const [row]: Array<{ id: string }> = await manager.query(
      `insert into billing_admin_audit (admin_user_id, reason, action, filter, resource_ids, request_id)
       values ($1, $2, $3, $4, $5, $6) returning id::text`,
      [entry.adminUserId, entry.reason, entry.action, JSON.stringify(entry.filter), JSON.stringify(entry.resourceIds), entry.requestId],
    );
    return row.id;
  }
}
