import { EntityManager } from 'typeorm';
import { EventEnvelope } from '@fpms/contracts/events/event-envelope';

/**
 * What a service consumes: the routing keys its queue (`<service>.events`) is bound to,
 * and the class whose `handle` applies each event inside the consumer's transaction
 * (tenant already set from the event, inbox row already written).
 */
export interface EventSubscriber {
  handle(event: EventEnvelope, manager: EntityManager): Promise<void>;
}

export interface EventSubscriptions {
  bindings: string[];
  subscriber: new (...args: any[]) => EventSubscriber;
  /** Retry schedule before the DLQ (defaults: 1 s, 5 s, 30 s, 2 min). */
  retryDelaysMs?: number[];
}

export const eventsQueue = (service: string) => `${service}.events`;
