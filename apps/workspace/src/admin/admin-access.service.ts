import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AdminAuditView, WorkspaceView } from '@fpms/contracts';
import { SYSTEM_DATA_SOURCE } from '@fpms/database/database.module';
import { systemTransaction } from '@fpms/database/tenant-manager';
import { AccessError } from '../access/access.errors';
import { Actor } from '../access/actor';
import { WorkspacesRepository } from '../workspaces/workspaces.repository';
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
    private readonly workspaces: WorkspacesRepository,
  ) {}

  listAccountWorkspaces(actor: Actor, accountId: string, reason: string): Promise<{ items: WorkspaceView[]; auditId: string }> {
    if (!actor.isPlatformAdmin) throw AccessError.notPlatformAdmin();
    return systemTransaction(this.system, async (manager) => {
      const items = await this.workspaces.listByAccountAcrossTenants(manager, accountId);
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
    return systemTransaction(this.system, async (manager) => ({ items: await this.audit.list(manager, limit) }));
  }
}
