import { CreateMessagingTables1732300000000 } from '@fpms/messaging';

/** The billing service's schema, in order. Run by tools/infra/provision (never `synchronize`). */
export const billingMigrations = [CreateMessagingTables1732300000000];
