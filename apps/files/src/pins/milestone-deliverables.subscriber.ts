import { Injectable } from '@nestjs/common';
import { EventEnvelope, milestoneEventDataSchema } from '@fpms/contracts';
import { EventSubscriber, PermanentEventError } from '@fpms/messaging';
import { PinsRepository } from './pins.repository';
import type { TenantManager } from '@fpms/database/tenant-manager';

/**
 * Keeps `milestone_deliverables` at the newest state the workspace service published for
 * each milestone (any order, duplicates included: older versions are ignored), which pins
 * exactly the version each milestone references now: a resubmission moves the pin, and a
 * submission that rolled back leaves none behind once the milestone's next state is known.
 */
@Injectable()
export class MilestoneDeliverablesSubscriber implements EventSubscriber {
  constructor(private readonly pins: PinsRepository) {}

  async handle(event: EventEnvelope, manager: TenantManager): Promise<void> {
    // Every `workspace.milestone.*` event carries the milestone's current deliverable (the contract's schema;
    // the consumer already checked it, this projection also checks that it names its own aggregate).
    const parsed = milestoneEventDataSchema.safeParse(event.data);
    if (
      !parsed.success ||
      parsed.data.milestoneId !== event.aggregateId ||
      (event.tenant.workspaceId && event.tenant.workspaceId !== parsed.data.workspaceId)
    ) {
      throw new PermanentEventError(`invalid ${event.type} payload`);
    }
    const changed = await this.pins.applyMilestoneState(manager, {
      milestoneId: parsed.data.milestoneId,
      accountId: event.tenant.accountId,
      workspaceId: parsed.data.workspaceId,
      versionId: parsed.data.deliverableFileVersionId,
      milestoneVersion: event.aggregateVersion,
      actorUserId: parsed.data.actorUserId ?? null,
    });
    await this.pins.refreshSummary(manager, changed);
  }
}
