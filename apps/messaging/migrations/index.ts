import { CreateMessagingTables1732300000000 } from '@fpms/messaging';
import { CreateIdempotencyKeys1733000000000 } from '@fpms/database/idempotency';
import { ThreadsAndMessages1735200000000 } from './1735200000000-threads-and-messages';
import { NotificationsAndEmail1735300100000 } from './1735300100000-notifications-and-email';
import { MessagingAccountEntitlements1735400100000 } from './1735400100000-account-entitlements';
import { OneMembersProjection1735600000000 } from './1735600000000-one-members-projection';

/** The messaging service's schema, in order. Run by tools/infra/provision (never `synchronize`). */
export const messagingMigrations = [
  CreateMessagingTables1732300000000,
  CreateIdempotencyKeys1733000000000,
  ThreadsAndMessages1735200000000,
  NotificationsAndEmail1735300100000,
  MessagingAccountEntitlements1735400100000,
  OneMembersProjection1735600000000,
];
