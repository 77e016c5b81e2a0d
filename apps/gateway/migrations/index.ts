import { CreateMessagingTables1732300000000 } from '@fpms/messaging';
import { UsersAndMemberships1732300200000 } from './1732300200000-users-and-memberships';

/** The gateway's schema, in order. Run by tools/infra/provision (never `synchronize`). */
export const gatewayMigrations = [CreateMessagingTables1732300000000, UsersAndMemberships1732300200000];
