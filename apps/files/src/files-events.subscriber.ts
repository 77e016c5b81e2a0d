import { Injectable, Logger } from '@nestjs/common';
import {
  BillingAccountEvents,
  BillingDocumentEvents,
  DocumentRenderedData,
  EventEnvelope,
  GatewayEvents,
  UserErasedData,
} from '@fpms/contracts';
import { EventSubscriber } from '@fpms/messaging';
import { EntitlementsProjection } from '@fpms/platform/entitlements';
import { BillingDocumentsSubscriber } from './documents/billing-documents.subscriber';
import { MilestoneDeliverablesSubscriber } from './pins/milestone-deliverables.subscriber';
import { PersonalDataArchivesService } from './personal-data/personal-data-archives.service';
import type { TenantManager } from '@fpms/database/tenant-manager';

/**
 * The files service's one event queue (bindings: EVENT_TOPOLOGY), routed by type to the
 * projection that owns it. Plans come from `billing.entitlements.changed` alone (an account
 * with none yet is on the free plan); `workspace.account.*` and `billing.account.plan_changed`
 * are still bound but need nothing here. `gateway.user.erased` deletes the user's export archives.
 */
@Injectable()
export class FilesEventsSubscriber implements EventSubscriber {
  private readonly logger = new Logger(FilesEventsSubscriber.name);

  constructor(
    private readonly entitlements: EntitlementsProjection,
    private readonly milestones: MilestoneDeliverablesSubscriber,
    private readonly documents: BillingDocumentsSubscriber,
    private readonly archives: PersonalDataArchivesService,
  ) {}

  async handle(event: EventEnvelope, manager: TenantManager): Promise<void> {
    if (event.type.startsWith('workspace.milestone.')) return this.milestones.handle(event, manager);
    if (event.type === BillingAccountEvents.entitlementsChanged) return this.entitlements.handle(event, manager);
    if (event.type === BillingDocumentEvents.documentRendered)
      return this.documents.handle(event as EventEnvelope<DocumentRenderedData>, manager);
    // Erasure: the user's export archives go (their uploads stay: they are the workspace's files).
    if (event.type === GatewayEvents.userErased) {
      await this.archives.eraseUser((event.data as UserErasedData).userId);
      return;
    }
    this.logger.debug(`ignoring ${event.type}: nothing in files follows it`);
  }
}
