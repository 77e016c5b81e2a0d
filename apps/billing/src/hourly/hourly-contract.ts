import { dateOrNull } from '../payments/row-values';

/** An `hourly_contracts` row: the workspace's contract as billing knows it, and what pays its weeks. */
export interface HourlyContract {
  id: string;
  accountId: string;
  workspaceId: string;
  status: 'proposed' | 'active' | 'ended';
  rateMinor: number;
  currency: string;
  contractVersion: number;
  stripeCustomerId: string | null;
  paymentMethodId: string | null;
  paymentMethodBrand: string | null;
  paymentMethodLast4: string | null;
  paymentMethodSavedAt: Date | null;
  setupAttempt: number;
  setupIntentId: string | null;
  /** The aggregateVersion of billing's last event about the contract. */
  eventVersion: number;
}

export function toHourlyContract(r: Record<string, unknown>): HourlyContract {
  return {
    id: r.id as string,
    accountId: r.account_id as string,
    workspaceId: r.workspace_id as string,
    status: r.status as HourlyContract['status'],
    rateMinor: Number(r.rate_minor),
    currency: r.currency as string,
    contractVersion: Number(r.contract_version),
    stripeCustomerId: (r.stripe_customer_id as string | null) ?? null,
    paymentMethodId: (r.payment_method_id as string | null) ?? null,
    paymentMethodBrand: (r.payment_method_brand as string | null) ?? null,
    paymentMethodLast4: (r.payment_method_last4 as string | null) ?? null,
    paymentMethodSavedAt: dateOrNull(r.payment_method_saved_at),
    setupAttempt: Number(r.setup_attempt),
    setupIntentId: (r.setup_intent_id as string | null) ?? null,
    eventVersion: Number(r.event_version),
  };
}
