import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AdminAuditView, WorkspaceView } from '@fpms/contracts';
import { SYSTEM_DATA_SOURCE } from '@fpms/database/database.module';
import { AccessError } from '../access/access.errors';
import { Actor } from '../access/actor';
import { AdminAuditRepository } from './admin-audit.repository';

/**
 * The only code path that reads tenant data across tenants, and only for a platform
 * admin who stated a reason. It runs on the system (BYPASSRLS) connection, in one
 * transaction that writes the audit row — naming what was read — before the data
 * leaves: if the audit cannot be written, nothing is returned.
 */
@Injectable()
export class AdminAccessService {
  constructor(
    @InjectDataSource(SYSTEM_DATA_SOURCE) private readonly system: DataSource,
    private readonly audit: AdminAuditRepository,
  ) {}

  listAccountWorkspaces(actor: Actor, accountId: string, reason: string): Promise<{ items: WorkspaceView[]; auditId: string }> {
    if (!actor.isPlatformAdmin) throw AccessError.notPlatformAdmin();
    return this.system.transaction(async (manager) => {
      const rows = await manager.query(
        `select id, account_id, name, client_name, created_by, created_at from workspaces where account_id = $1 order by created_at desc, id`,
        [accountId],
      );
      const items: WorkspaceView[] = rows.map((r: Record<string, any>) => ({
        id: r.id,
        accountId: r.account_id,
        name: r.name,
        clientName: r.client_name,
        createdBy: r.created_by,
        createdAt: new Date(r.created_at).toISOString(),
      }));
      const auditId = await this.audit.insert(manager, {
        adminUserId: actor.userId,
        reason,
        action: 'account.workspaces.list',
        targetAccountId: accountId,
        resourceIds: items.map((w) => w.id),
        requestId: actor.requestId,
      });
      return { items, auditId };
    });
  }

  listAudit(actor: Actor, limit: number): Promise<{ items: AdminAuditView[] }> {
    if (!actor.isPlatformAdmin) throw AccessError.notPlatformAdmin();
    return this.system.transaction(async (manager) => ({ items: await this.audit.list(manager, limit) }));
  }
}
