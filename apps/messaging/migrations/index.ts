import { CreateMessagingTables1732300000000 } from '@fpms/messaging';

/** The messaging service's schema, in order. Run by tools/infra/provision (never `synchronize`). */
export const messagingMigrations = [CreateMessagingTables1732300000000];
