import { CreateMessagingTables1732300000000 } from '@fpms/messaging';
import { CreateStripeWebhookEvents1734100000000 } from './1734100000000-stripe-webhook-events';

/** The billing service's schema, in order. Run by tools/infra/provision (never `synchronize`). */
export const billingMigrations = [CreateMessagingTables1732300000000, CreateStripeWebhookEvents1734100000000];
