import { DynamicModule, Module } from '@nestjs/common';
import { MESSAGING_ENV, MessagingEnv } from '../config';
import { DigestScheduler } from '../email/digest-scheduler';
import { EmailOutbox } from '../email/email-outbox';
import { EmailOutboxRepository } from '../email/email-outbox.repository';
import { EmailWorker } from '../email/email-worker';
import { WorkspaceMembersRepository } from '../members/workspace-members.repository';
import { SmtpTransport } from '../email/smtp-transport';
import { PreferencesRepository } from '../preferences/preferences.repository';
import { PreferencesService } from '../preferences/preferences.service';
import { NotificationContactsRepository } from './notification-contacts.repository';
import { NotificationDispatcher } from './notification-dispatcher';
import { NotificationsController } from './notifications.controller';
import { NotificationsRepository } from './notifications.repository';
import { NotificationsService } from './notifications.service';

/** Notifications, preferences and the email outbox (its worker and the digest scheduler). */
@Module({})
export class NotificationsModule {
  static forRoot(env: MessagingEnv): DynamicModule {
    return {
      module: NotificationsModule,
      controllers: [NotificationsController],
      providers: [
        { provide: MESSAGING_ENV, useValue: env },
        { provide: SmtpTransport, useFactory: () => new SmtpTransport(env.SMTP_URL) },
        WorkspaceMembersRepository,
        NotificationContactsRepository,
        NotificationsRepository,
        NotificationsService,
        NotificationDispatcher,
        PreferencesRepository,
        PreferencesService,
        EmailOutbox,
        EmailOutboxRepository,
        EmailWorker,
        DigestScheduler,
      ],
      exports: [NotificationDispatcher, WorkspaceMembersRepository, NotificationContactsRepository, PreferencesService, EmailOutbox],
    };
  }
}
