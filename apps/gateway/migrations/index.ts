import { CreateMessagingTables1732300000000 } from '@fpms/messaging';
import { UsersAndMemberships1732300200000 } from './1732300200000-users-and-memberships';
import { RefreshTokens1732300300000 } from './1732300300000-refresh-tokens';
import { AccountSecurity1736200000000 } from './1736200000000-account-security';
import { UserErasures1736500000000 } from './1736500000000-user-erasures';
import { DataExports1736600000000 } from './1736600000000-data-exports';

/** The gateway's schema, in order. Run by tools/infra/provision (never `synchronize`). */
export const gatewayMigrations = [
  CreateMessagingTables1732300000000,
  UsersAndMemberships1732300200000,
  RefreshTokens1732300300000,
  AccountSecurity1736200000000,
  UserErasures1736500000000,
  DataExports1736600000000,
];
