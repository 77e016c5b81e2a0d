import { Injectable } from '@nestjs/common';
import { EventEnvelope } from '@fpms/contracts';
import type { TenantManager } from '@fpms/database/tenant-manager';
import { EventSubscriber } from '@fpms/messaging';
import { WorkspaceThreadsSubscriber } from './threads/workspace-threads.subscriber';

/**
 * The messaging service's one event queue (bindings: EVENT_TOPOLOGY), handed to each
 * feature that consumes events. Notifications (issue 16 items 4–5) add theirs here.
 */
@Injectable()
export class MessagingEventsSubscriber implements EventSubscriber {
  constructor(private readonly threads: WorkspaceThreadsSubscriber) {}

  async handle(event: EventEnvelope, manager: TenantManager): Promise<void> {
    if (event.type.startsWith('workspace.')) await this.threads.handle(event, manager);
  }
}
