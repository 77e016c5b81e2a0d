import { CreateMessagingTables1732300000000 } from '@fpms/messaging';

/** The files service's schema, in order. Run by tools/infra/provision (never `synchronize`). */
export const filesMigrations = [CreateMessagingTables1732300000000];
