import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AdminDisputesQuery, DisputeSummaryView, DisputeView, ResolveDisputeBody } from '@fpms/contracts';
import { SYSTEM_DATA_SOURCE } from '@fpms/database/database.module';
import { systemTransaction } from '@fpms/database/tenant-manager';
import { TenantTransactions } from '@fpms/database/tenant-transactions';
import { AccessError } from '../access/access.errors';
import { Actor } from '../access/actor';
import { AdminAuditRepository } from '../admin/admin-audit.repository';
import { DisputeError } from './dispute.errors';
import { toDisputeSummary, toDisputeView } from './dispute-rows';
import { DisputeResolver } from './dispute-resolver';
import { DisputesRepository } from './disputes.repository';
import { CrossTenantDisputesRepository } from './cross-tenant-disputes.repository';

/**
 * Disputes for platform admins, across tenants, as the other admin reads are: the token's
 * platform-admin flag re-checked here, a stated reason, and the audit row — naming the
 * disputes read — written in the same system transaction before anything is returned. A
 * resolution is audited first (the attempt is on record even if it is refused), then decided
 * in the dispute's own tenant transaction, where RLS applies as for any member's change.
 */
@Injectable()
export class AdminDisputesService {
  constructor(
    @InjectDataSource(SYSTEM_DATA_SOURCE) private readonly system: DataSource,
    private readonly tx: TenantTransactions,
    private readonly audit: AdminAuditRepository,
    private readonly crossTenant: CrossTenantDisputesRepository,
    private readonly disputes: DisputesRepository,
    private readonly resolver: DisputeResolver,
  ) {}

  list(
    actor: Actor,
    q: AdminDisputesQuery & { reason: string },
  ): Promise<{ items: DisputeSummaryView[]; nextBefore: string | null; auditId: string }> {
    if (!actor.isPlatformAdmin) throw AccessError.notPlatformAdmin();
    return systemTransaction(this.system, async (manager) => {
      const { rows, nextBefore } = await this.crossTenant.list(manager, q);
      const auditId = await this.audit.insert(manager, {
        adminUserId: actor.userId,
        reason: q.reason,
        action: 'disputes.list',
        targetAccountId: q.accountId ?? null,
        resourceIds: rows.map((r) => r.id),
        requestId: actor.requestId,
      });
      return { items: rows.map(toDisputeSummary), nextBefore, auditId };
    });
  }

  get(actor: Actor, disputeId: string, reason: string): Promise<DisputeView & { auditId: string }> {
    if (!actor.isPlatformAdmin) throw AccessError.notPlatformAdmin();
    return systemTransaction(this.system, async (manager) => {
      const dispute = await this.crossTenant.find(manager, disputeId);
      if (!dispute) throw DisputeError.disputeNotFound({ disputeId });
      const evidence = await this.crossTenant.evidence(manager, disputeId);
      const auditId = await this.audit.insert(manager, {
        adminUserId: actor.userId,
        reason,
        action: 'disputes.read',
        targetAccountId: dispute.account_id,
        resourceIds: [dispute.id],
        requestId: actor.requestId,
      });
      return { ...toDisputeView(dispute, evidence), auditId };
    });
  }

  async resolve(actor: Actor, disputeId: string, body: ResolveDisputeBody, reason: string): Promise<DisputeView & { auditId: string }> {
    if (!actor.isPlatformAdmin) throw AccessError.notPlatformAdmin();
    const { dispute, auditId } = await systemTransaction(this.system, async (manager) => {
      const found = await this.crossTenant.find(manager, disputeId);
      if (!found) throw DisputeError.disputeNotFound({ disputeId });
      const id = await this.audit.insert(manager, {
        adminUserId: actor.userId,
        reason,
        action: `disputes.resolve.${body.outcome}`,
        targetAccountId: found.account_id,
        resourceIds: [found.id, found.milestone_id],
        requestId: actor.requestId,
      });
      return { dispute: found, auditId: id };
    });
    return this.tx.run({ accountId: dispute.account_id, workspaceId: dispute.workspace_id }, async (manager) => {
      const resolved = await this.resolver.resolve(manager, dispute, {
        outcome: body.outcome,
        releaseAmount: body.releaseAmount,
        refundAmount: body.refundAmount,
        resolvedBy: 'admin',
        adminUserId: actor.userId,
        reason,
        requestId: actor.requestId,
      });
      return { ...toDisputeView(resolved, await this.disputes.evidence(manager, resolved.id)), auditId };
    });
  }
}
