import { Injectable } from '@nestjs/common';
import { BillingAccountEvents, EventEnvelope, GatewayEvents, UserErasedData } from '@fpms/contracts';
import type { TenantManager } from '@fpms/database/tenant-manager';
import { EventSubscriber } from '@fpms/messaging/nest/event-subscriptions';
import { EntitlementsProjection } from '@fpms/platform/entitlements';
import { ErasureService } from '../erasure/erasure.service';
import { BillingEventsSubscriber } from '../milestones/billing-events.subscriber';
import { BILLING_WEEK_EVENTS, TimeWeekBillingSubscriber } from '../time-tracking/time-week-billing.subscriber';

/** The workspace service's one event queue (bindings: EVENT_TOPOLOGY), routed by type to the projection that owns it. */
@Injectable()
export class WorkspaceEventsSubscriber implements EventSubscriber {
  constructor(
    private readonly entitlements: EntitlementsProjection,
    private readonly billing: BillingEventsSubscriber,
    private readonly erasure: ErasureService,
    private readonly timeWeeks: TimeWeekBillingSubscriber,
  ) {}

  async handle(event: EventEnvelope, manager: TenantManager): Promise<void> {
    if (event.type === GatewayEvents.userErased) {
      await this.erasure.erase(event.data as UserErasedData);
      return;
    }
    if (event.type === BillingAccountEvents.entitlementsChanged) return this.entitlements.handle(event, manager);
    if (BILLING_WEEK_EVENTS.includes(event.type)) return this.timeWeeks.handle(event, manager);
    return this.billing.handle(event, manager);
  }
}
