import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppError } from '@fpms/common/errors/app-error';
import { AccessErrorCode } from '@fpms/contracts/errors/access.errors';
import type { AdminWebhookEventsRequest } from '@fpms/contracts/requests/billing-webhooks.requests';
import type { WebhookEventView } from '@fpms/contracts/rpc/billing-webhooks.rpc';
import { SYSTEM_DATA_SOURCE } from '@fpms/database/database.module';
import { systemTransaction } from '@fpms/database/tenant-manager';
import type { VerifiedRpc } from '@fpms/messaging/rpc/verified-rpc';
import { BillingAdminAuditRepository } from './billing-admin-audit.repository';
import { CrossTenantWebhookEventsRepository } from './webhook-events.repository';

/**
 * Platform admins' view of the webhook ledger (failed events, by default). Events belong to
 * every tenant, so this is an audited cross-tenant read: the audit row, naming the events
 * read, is written in the transaction that reads them; if it cannot be written, nothing is returned.
 */
@Injectable()
export class WebhookEventsAdmin {
  constructor(
    @InjectDataSource(SYSTEM_DATA_SOURCE) private readonly system: DataSource,
    private readonly events: CrossTenantWebhookEventsRepository,
    private readonly audit: BillingAdminAuditRepository,
  ) {}

  list(actor: VerifiedRpc<unknown>, request: AdminWebhookEventsRequest): Promise<{ items: WebhookEventView[]; auditId: string }> {
    if (!actor.isPlatformAdmin) throw new AppError(403, AccessErrorCode.NotPlatformAdmin, 'Platform admins only');
    return systemTransaction(this.system, async (manager) => {
      const items = await this.events.listByStatus(manager, request.status, request.limit);
      const auditId = await this.audit.insert(manager, {
        adminUserId: actor.userId,
        reason: request.reason,
        action: 'billing.webhook_events.list',
        filter: { status: request.status, limit: request.limit },
        resourceIds: items.map((e) => e.id),
        requestId: actor.requestId,
      });
      return { items, auditId };
    });
  }
}
