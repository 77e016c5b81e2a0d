import { Injectable } from '@nestjs/common';
import { EventEnvelope } from '@fpms/contracts';
import { EventSubscriber } from '@fpms/messaging';
import { MilestoneDeliverablesSubscriber } from './pins/milestone-deliverables.subscriber';
import { PlanEventsSubscriber } from './plans/plan-events.subscriber';
import type { TenantManager } from '@fpms/database/tenant-manager';

/** The files service's one event queue (bindings: EVENT_TOPOLOGY), routed by type to the projection that owns it. */
@Injectable()
export class FilesEventsSubscriber implements EventSubscriber {
  constructor(
    private readonly plans: PlanEventsSubscriber,
    private readonly milestones: MilestoneDeliverablesSubscriber,
  ) {}

  handle(event: EventEnvelope, manager: TenantManager): Promise<void> {
    if (event.type.startsWith('workspace.milestone.')) return this.milestones.handle(event, manager);
    return this.plans.handle(event, manager);
  }
}
