import { Injectable } from '@nestjs/common';
import { BillingAccountEvents, EventEnvelope } from '@fpms/contracts';
import type { TenantManager } from '@fpms/database/tenant-manager';
import { EventSubscriber } from '@fpms/messaging/nest/event-subscriptions';
import { EntitlementsProjection } from '@fpms/platform/entitlements';
import { BillingEventsSubscriber } from '../milestones/billing-events.subscriber';

/** The workspace service's one event queue (bindings: EVENT_TOPOLOGY), routed by type to the projection that owns it. */
@Injectable()
export class WorkspaceEventsSubscriber implements EventSubscriber {
  constructor(
    private readonly entitlements: EntitlementsProjection,
    private readonly billing: BillingEventsSubscriber,
  ) {}

  handle(event: EventEnvelope, manager: TenantManager): Promise<void> {
    if (event.type === BillingAccountEvents.entitlementsChanged) return this.entitlements.handle(event, manager);
    return this.billing.handle(event, manager);
  }
}
