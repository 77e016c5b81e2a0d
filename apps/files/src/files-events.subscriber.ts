import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { EventEnvelope } from '@fpms/contracts';
import { EventSubscriber } from '@fpms/messaging';
import { MilestoneDeliverablesSubscriber } from './pins/milestone-deliverables.subscriber';
import { PlanEventsSubscriber } from './plans/plan-events.subscriber';

/** The files service's one event queue (bindings: EVENT_TOPOLOGY), routed by type to the projection that owns it. */
@Injectable()
export class FilesEventsSubscriber implements EventSubscriber {
  constructor(
    private readonly plans: PlanEventsSubscriber,
    private readonly milestones: MilestoneDeliverablesSubscriber,
  ) {}

  handle(event: EventEnvelope, manager: EntityManager): Promise<void> {
    if (event.type.startsWith('workspace.milestone.')) return this.milestones.handle(event, manager);
    return this.plans.handle(event, manager);
  }
}
