import { Injectable } from '@nestjs/common';
import {
  BillingAccountEvents,
  EventEnvelope,
  GatewayEvents,
  UserEmailChangedData,
  UserEmailUnsubscribedData,
  UserErasedData,
  UserSecurityEmailData,
  UserRegisteredData,
} from '@fpms/contracts';
import { Clock } from '@fpms/common/scheduling/clock';
import { EventSubscriber } from '@fpms/messaging';
import type { TenantManager } from '@fpms/database/tenant-manager';
import { EntitlementsProjection } from '@fpms/platform/entitlements';
import { EmailOutbox } from './email/email-outbox';
import { NotificationContactsRepository } from './notifications/notification-contacts.repository';
import { NotificationDispatcher } from './notifications/notification-dispatcher';
import { PreferencesService } from './preferences/preferences.service';
import { WorkspaceThreadsSubscriber } from './threads/workspace-threads.subscriber';

/**
 * The messaging service's one event queue (bindings: EVENT_TOPOLOGY), routed to the
 * projection or feature that owns each event: threads (workspace and milestone threads,
 * the members whose unread counters change) and notifications (contacts, preferences,
 * and the notifications themselves, whose audiences come from the threads' members),
 * and plans (`billing.entitlements.changed`, projected for the checks on posting, before
 * the same event tells the owners of a past-due or locked account).
 */
@Injectable()
export class MessagingEventsSubscriber implements EventSubscriber {
  constructor(
    private readonly threads: WorkspaceThreadsSubscriber,
    private readonly contacts: NotificationContactsRepository,
    private readonly preferences: PreferencesService,
    private readonly notifications: NotificationDispatcher,
    private readonly clock: Clock,
    private readonly entitlements: EntitlementsProjection,
    private readonly email: EmailOutbox,
  ) {}

  /**
   * Security emails go out at once to the address the gateway names, whatever the
   * preferences (they cannot be unsubscribed from) and never merged.
   */
  private async securityEmail(manager: TenantManager, data: UserSecurityEmailData): Promise<void> {
    const { to, userId, ...rest } = data;
    await this.email.enqueue(manager, { to: { address: to, userId }, templateId: 'security', data: { ...rest } });
  }

  async handle(event: EventEnvelope, manager: TenantManager): Promise<void> {
    if (event.type === GatewayEvents.userRegistered) return this.contacts.upsert(manager, event.data as UserRegisteredData);
    if (event.type === GatewayEvents.userSecurityEmail) return this.securityEmail(manager, event.data as UserSecurityEmailData);
    if (event.type === GatewayEvents.userErased) return this.contacts.erase(manager, (event.data as UserErasedData).userId);
    if (event.type === GatewayEvents.userEmailChanged) return this.contacts.changeEmail(manager, event.data as UserEmailChangedData);
    if (event.type === GatewayEvents.userEmailUnsubscribed) {
      const data = event.data as UserEmailUnsubscribedData;
      return this.preferences.unsubscribe(manager, data.userId, data.scope, this.clock.now());
    }
    if (event.type === BillingAccountEvents.entitlementsChanged) await this.entitlements.handle(event, manager);
    // Members first: a joiner is a member when their join is announced (as its actor they are
    // left out); a removed member is told as the event's subject, member or not.
    if (event.type.startsWith('workspace.')) await this.threads.handle(event, manager);
    await this.notifications.dispatch(event, manager);
  }
}
