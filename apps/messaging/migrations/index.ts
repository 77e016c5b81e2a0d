import { CreateMessagingTables1732300000000 } from '@fpms/messaging';
import { NotificationsAndEmail1735300100000 } from './1735300100000-notifications-and-email';

/** The messaging service's schema, in order. Run by tools/infra/provision (never `synchronize`). */
export const messagingMigrations = [CreateMessagingTables1732300000000, NotificationsAndEmail1735300100000];
