import { Inject, Injectable } from '@nestjs/common';
import { AccountCreatedData, EventEnvelope, MilestoneEventData, WorkspaceEvents } from '@fpms/contracts';
import { Clock } from '@fpms/common/scheduling/clock';
import type { TenantManager } from '@fpms/database/tenant-manager';
import { EventSubscriber } from '@fpms/messaging';
import { BillingAccountsRepository } from '../accounts/billing-accounts.repository';
import { MilestoneActivityRepository } from '../chargebacks/milestone-activity.repository';
import { OrdersRepository } from '../payments/orders.repository';
import { ReleaseWorker } from './release.worker';

/**
 * What billing takes from the workspace service: new accounts (their plan sets the fee) and
 * approvals, which make an order's release due. The release itself is the ReleaseWorker's, after
 * this transaction commits: a Stripe call has no place inside an inbox transaction that a
 * redelivery could run twice.
 */
@Injectable()
export class WorkspaceEventsSubscriber implements EventSubscriber {
  private pendingWake = false;

  constructor(
    private readonly accounts: BillingAccountsRepository,
    private readonly orders: OrdersRepository,
    private readonly releases: ReleaseWorker,
    private readonly activity: MilestoneActivityRepository,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async handle(event: EventEnvelope, manager: TenantManager): Promise<void> {
    if (event.type === WorkspaceEvents.accountCreated) {
      const data = event.data as AccountCreatedData;
      await this.accounts.recordCreated(manager, event.tenant.accountId, data.plan);
      return;
    }
    // Every milestone step billing receives is kept: it is the evidence billing answers a chargeback with.
    if (event.type.startsWith('workspace.milestone.')) await this.activity.record(manager, event as EventEnvelope<MilestoneEventData>);
    if (event.type === WorkspaceEvents.milestoneApproved) {
      const data = event.data as MilestoneEventData;
      const order = await this.orders.lockByMilestone(manager, data.milestoneId);
      // No order: nothing was paid through us (the workspace only approves funded work, so this is a test or a gap to see in logs).
      if (!order || order.releaseRequestedAt) return;
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
    // Other milestone steps (funding requested, cancelled, refunds, disputes) are Billing II's.
  }
}
