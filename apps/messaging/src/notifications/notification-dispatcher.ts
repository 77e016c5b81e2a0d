import { Inject, Injectable } from '@nestjs/common';
import {
  EventEnvelope,
  EventFields,
  MessagingEvents,
  NotificationTypeDefinition,
  notificationsFor,
  resolveAudience,
} from '@fpms/contracts';
import { Clock } from '@fpms/common/scheduling/clock';
import type { TenantManager } from '@fpms/database/tenant-manager';
import { OutboxWriter } from '@fpms/messaging/events';
import { MESSAGING_ENV, MessagingEnv } from '../config';
import { EmailOutbox } from '../email/email-outbox';
import { WorkspaceMembersRepository } from '../members/workspace-members.repository';
import { NotificationEmailData } from '../email/email-templates';
import { PreferencesRepository } from '../preferences/preferences.repository';
import { PreferencesService } from '../preferences/preferences.service';
import { NotificationContactsRepository } from './notification-contacts.repository';
import { NotificationsRepository } from './notifications.repository';

/**
 * Turns one event into the notifications the catalogue says it produces, in the consumer's
 * transaction: audience from the members projection (thread_members), each recipient's preference, the
 * in-app row (+ `messaging.notification.created` for realtime), and the email — now
 * (merged per user and subject within the dedup window) or in the daily digest.
 */
@Injectable()
export class NotificationDispatcher {
  constructor(
    private readonly members: WorkspaceMembersRepository,
    private readonly contacts: NotificationContactsRepository,
    private readonly notifications: NotificationsRepository,
    private readonly preferences: PreferencesService,
    private readonly settings: PreferencesRepository,
    private readonly email: EmailOutbox,
    private readonly outbox: OutboxWriter,
    private readonly clock: Clock,
    @Inject(MESSAGING_ENV) private readonly env: MessagingEnv,
  ) {}

  async dispatch(event: EventEnvelope, manager: TenantManager): Promise<number> {
    let created = 0;
    for (const def of notificationsFor(event)) created += await this.dispatchType(def, event, manager);
    return created;
  }

  private async dispatchType(def: NotificationTypeDefinition, event: EventEnvelope, manager: TenantManager): Promise<number> {
    const data = (event.data ?? {}) as EventFields;
    const workspaceId = event.tenant.workspaceId ?? null;
    const recipients = resolveAudience(def.audience, {
      members: workspaceId ? await this.members.list(manager, workspaceId) : [],
      accountOwnerIds: def.audience.accountOwners ? await this.contacts.ownersOf(manager, event.tenant.accountId) : [],
      subjectUserIds: def.subjectUsers?.(data) ?? [],
      actorUserId: def.actor(data),
    });
    const subject = def.subject(data, event);
    const headline = def.headline(data);
    const now = this.clock.now();
    let created = 0;
    for (const userId of recipients) {
      const pref = await this.preferences.effective(manager, userId, def.type);
      if (pref.channel === 'off') continue;
      const byEmail = pref.channel === 'email' && pref.settings.emailEnabled;
      const digest = byEmail && pref.delivery === 'digest';
      const notification = await this.notifications.insert(manager, {
        accountId: event.tenant.accountId,
        workspaceId,
        userId,
        type: def.type,
        subject,
        headline,
        actorUserId: def.actor(data),
        sourceEventId: event.id,
        dedupeKey: def.dedupeKey?.(data, event) ?? event.id,
        digestPending: digest,
        createdAt: now,
      });
      if (!notification) continue;
      created += 1;
      await this.outbox.add(manager, {
        type: MessagingEvents.notificationCreated,
        tenant: event.tenant,
        aggregateId: notification.id,
        aggregateVersion: 0,
        requestId: event.requestId,
        data: {
          notificationId: notification.id,
          type: def.type,
          workspaceId,
          headline,
          recipientUserIds: [userId],
          createdAt: notification.createdAt,
        },
      });
      if (digest) await this.settings.scheduleDigest(manager, userId, now);
      else if (byEmail) await this.emailNow(manager, userId, def.type, `${subject.kind}:${subject.id}`, headline, now);
    }
    return created;
  }

  private async emailNow(manager: TenantManager, userId: string, type: string, subjectKey: string, headline: string, now: Date) {
    const contact = await this.contacts.find(manager, userId);
    if (!contact) return; // No address known (a user from before gateway.user.registered): in-app only.
    const data: NotificationEmailData = { recipientName: contact.displayName, items: [{ type, headline, createdAt: now.toISOString() }] };
    await this.email.enqueue(manager, {
      to: { address: contact.email, userId },
      templateId: 'notification',
      data: { ...data },
      coalesceKey: `notification:${userId}:${subjectKey}`,
      sendAfter: new Date(now.getTime() + this.env.NOTIFICATION_EMAIL_DEDUP_WINDOW_SECONDS * 1000),
      unsubscribeScope: type,
    });
  }
}
