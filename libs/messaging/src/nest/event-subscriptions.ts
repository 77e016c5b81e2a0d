import type { TenantManager } from '@fpms/database/tenant-manager';
import { EventEnvelope } from '@fpms/contracts/events/event-envelope';

/**
 * What a service consumes: the class whose `handle` applies each event inside the
 * consumer's transaction (tenant already set from the event, inbox row already written).
 * Its queue, bindings and retry delays come from EVENT_TOPOLOGY in libs/contracts, the one
 * definition provisioning and every service declare.
 */
export interface EventSubscriber {
  handle(event: EventEnvelope, manager: TenantManager): Promise<void>;
}

export interface EventSubscriptions {
  subscriber: new (...args: any[]) => EventSubscriber;
}
