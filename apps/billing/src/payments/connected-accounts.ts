import type { SystemManager, TenantManager } from '@fpms/database/tenant-manager';

/** What funding needs to know about the freelancer's Stripe connected account. */
export interface PayoutAccount {
  stripeAccountId: string;
  status: string;
  chargesEnabled: boolean;
  payoutsEnabled: boolean;
  requirements: string[];
}

/**
 * The connected account of one of our accounts (the Connect feature owns the rows; funding and
 * release only read them). Bound to the Connect repository in the app module.
 */
export abstract class ConnectedAccounts {
  abstract find(manager: TenantManager | SystemManager, accountId: string): Promise<PayoutAccount | null>;
}
