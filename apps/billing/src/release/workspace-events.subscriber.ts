import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  AccountCreatedData,
  DisputeResolvedData,
  DocumentStoredData,
  EventEnvelope,
  FilesEvents,
  FileVersionReadyData,
  HourlyContractEventData,
  MilestoneEventData,
  TimesheetEvents,
  WeekApprovedData,
  WorkspaceEvents,
} from '@fpms/contracts';
import { Clock } from '@fpms/common/scheduling/clock';
import type { TenantManager } from '@fpms/database/tenant-manager';
import { EventSubscriber } from '@fpms/messaging';
import { BillingAccountsRepository } from '../accounts/billing-accounts.repository';
import { FileVersionNamesRepository } from '../chargebacks/file-version-names.repository';
import { InvoiceDocumentsSubscriber } from '../invoices/invoice-documents.subscriber';
import { MilestoneActivityRepository } from '../chargebacks/milestone-activity.repository';
import { BILLING_ENV } from '../billing-env.token';
import type { BillingEnv } from '../config';
import { OrdersRepository } from '../payments/orders.repository';
import { DisputeSettlementHandler, SettlementWork } from '../disputes/dispute-settlement.handler';
import { RefundExecutor } from '../refunds/refund-executor';
import { RefundRequestsRepository } from '../refunds/refunds.repository';
import { HourlyWorkspaceEvents } from '../hourly/hourly-workspace-events';
import { WeekChargeWorker } from '../hourly/week-charge.worker';
import { ReleaseWorker } from './release.worker';

/**
 * What billing takes from the workspace service: new accounts (their plan sets the fee), every
 * milestone step (the chargeback evidence, with each file version's name from the files
 * service's files.version.ready), approvals, which make an order's release due, and
 * the client's refund requests, hourly contracts and their approved weeks (HourlyWorkspaceEvents), and in-app disputes' decisions (a refund part and a release
 * part, DisputeSettlementHandler). The release itself is the ReleaseWorker's, after
 * this transaction commits: a Stripe call has no place inside an inbox transaction that a
 * redelivery could run twice.
 */
@Injectable()
export class WorkspaceEventsSubscriber implements EventSubscriber {
  private readonly logger = new Logger(WorkspaceEventsSubscriber.name);
  private pendingWake = false;

  constructor(
    private readonly accounts: BillingAccountsRepository,
    private readonly orders: OrdersRepository,
    private readonly releases: ReleaseWorker,
    private readonly activity: MilestoneActivityRepository,
    private readonly fileNames: FileVersionNamesRepository,
    private readonly refundRequests: RefundRequestsRepository,
    private readonly settlements: DisputeSettlementHandler,
    private readonly refunds: RefundExecutor,
    private readonly invoiceDocuments: InvoiceDocumentsSubscriber,
    private readonly hourly: HourlyWorkspaceEvents,
    private readonly weekCharges: WeekChargeWorker,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(BILLING_ENV) private readonly env: BillingEnv,
  ) {}

  async handle(event: EventEnvelope, manager: TenantManager): Promise<void> {
    if (event.type === WorkspaceEvents.accountCreated) {
      const data = event.data as AccountCreatedData;
      await this.accounts.recordCreated(manager, event.tenant.accountId, data.plan);
      return;
    }
    if (event.type.startsWith('workspace.hourly_contract.')) {
      await this.hourly.contractChanged(manager, event as EventEnvelope<HourlyContractEventData>);
      return;
    }
    if (event.type === TimesheetEvents.weekApproved) {
      // The charge follows after this transaction commits (the WeekChargeWorker; its poll too if this process stops).
      if (await this.hourly.weekApproved(manager, event as EventEnvelope<WeekApprovedData>)) this.weekCharges.wakeSoon();
      return;
    }
    if (event.type === FilesEvents.documentStored) {
      await this.invoiceDocuments.handle(event as EventEnvelope<DocumentStoredData>, manager);
      return;
    }
    if (event.type === FilesEvents.versionReady) {
      await this.fileNames.record(manager, event as EventEnvelope<FileVersionReadyData>);
      return;
    }
    // Every milestone step billing receives is kept: it is the evidence billing answers a chargeback with.
    if (event.type.startsWith('workspace.milestone.')) await this.activity.record(manager, event as EventEnvelope<MilestoneEventData>);
    if (event.type === WorkspaceEvents.milestoneApproved) {
      const data = event.data as MilestoneEventData;
      const order = await this.orders.lockByMilestone(manager, data.milestoneId);
      // No order: nothing was paid through us (the workspace only approves funded work, so this is a test or a gap to see in logs).
      // A pay-now order is released by its own charge: approval is when the client may pay, not a release.
      if (!order || order.kind !== 'escrow' || order.releaseRequestedAt) return;
      order.releaseRequestedAt = this.clock.now();
      order.releaseNextAttemptAt = this.clock.now();
      await this.orders.save(manager, order);
      // Wake the worker once this event's transaction has had time to commit.
      if (!this.pendingWake) {
        this.pendingWake = true;
        setTimeout(() => {
          this.pendingWake = false;
          this.releases.wake();
        }, 50).unref();
      }
    }
    if (event.type === WorkspaceEvents.milestoneRefundRequested) {
      // The client asks for its money back: a refund request the owner answers, accepted by the
      // RefundsWorker once the window passes unanswered. No order or nothing paid: nothing to ask for.
      const data = event.data as MilestoneEventData;
      const order = await this.orders.lockByMilestone(manager, data.milestoneId);
      if (!order || order.charged === 0) return;
      const now = this.clock.now();
      await this.refundRequests.open(manager, order, {
        id: randomUUID(),
        requestedBy: data.actorUserId,
        requestedAt: now,
        dueAt: new Date(now.getTime() + this.env.REFUND_REQUEST_WINDOW_DAYS * 86_400_000),
        sourceEventId: event.id,
      });
      return;
    }
    if (event.type === WorkspaceEvents.milestoneDisputeResolved) {
      const work = await this.settlements.apply(manager, event as EventEnvelope<DisputeResolvedData>);
      if (work) this.afterCommit(work);
      return;
    }
    // Other milestone steps (funding requested, cancelled, a dispute opened or withdrawn) move no money:
    // the workspace freezes approval while an in-app dispute is open, so no release is asked for meanwhile.
  }

  /**
   * A dispute's money, once its inbox transaction has committed: the refund part first, then
   * the release part. Both are also picked up by their workers' polls if this process stops
   * before (pending refunds, due releases), so this only makes it prompt.
   */
  private afterCommit(work: SettlementWork): void {
    setTimeout(() => {
      const refund = work.refundId ? this.refunds.run(work.refundId, work.orderId) : Promise.resolve(null);
      refund
        .then(() => (work.release ? this.releases.wake() : undefined))
        .catch((error: Error) => this.logger.warn(`dispute settlement of order ${work.orderId} left to the workers: ${error.message}`));
    }, 50).unref();
  }
}
