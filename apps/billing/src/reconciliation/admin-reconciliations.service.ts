import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppError } from '@fpms/common/errors/app-error';
import { AccessErrorCode } from '@fpms/contracts/errors/access.errors';
import type { AdminStartReconciliationRequest } from '@fpms/contracts/requests/billing-reconciliation.requests';
import type { ReconciliationRunView } from '@fpms/contracts/rpc/billing-reconciliation.rpc';
import { SYSTEM_DATA_SOURCE } from '@fpms/database/database.module';
import { systemTransaction } from '@fpms/database/tenant-manager';
import type { VerifiedRpc } from '@fpms/messaging/rpc/verified-rpc';
import { BillingAdminAuditRepository } from '../webhooks/billing-admin-audit.repository';
import { Reconciliation } from './reconciliation.service';

/**
 * A platform admin starts a reconciliation now. It reads and repairs every tenant's orders,
 * so the request is audited first (the reason, the admin); the answer is the run's record,
 * whose id the audit row names once the run is over.
 */
@Injectable()
export class AdminReconciliations {
  constructor(
    @InjectDataSource(SYSTEM_DATA_SOURCE) private readonly system: DataSource,
    private readonly reconciliation: Reconciliation,
    private readonly audit: BillingAdminAuditRepository,
  ) {}

  async start(actor: VerifiedRpc<unknown>, request: AdminStartReconciliationRequest): Promise<ReconciliationRunView & { auditId: string }> {
    if (!actor.isPlatformAdmin) throw new AppError(403, AccessErrorCode.NotPlatformAdmin, 'Platform admins only');
    const run = await this.reconciliation.run('admin', actor.userId);
    const auditId = await systemTransaction(this.system, (manager) =>
      this.audit.insert(manager, {
        adminUserId: actor.userId,
        reason: request.reason,
        action: 'billing.reconciliations.start',
        filter: { status: run.status },
        resourceIds: [run.id],
        requestId: actor.requestId,
      }),
    );
    return { ...run, auditId };
  }
}
