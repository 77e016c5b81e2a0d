import { WorkspaceRef } from '../requests/addressed';
import { rpcPattern, rpcQueue } from './rpc-pattern';

const queue = rpcQueue('billing');

/** Where the client admin saves the card that pays an hourly contract's weeks: a setup-mode Stripe Checkout page. */
export interface PaymentMethodSetupView {
  url: string;
}

/** Billing's side of hourly contracts (docs/time-tracking.md, "Weekly cycle: billing"). */
export const BillingHourlyRpc = {
  /**
   * The client admin saves (or replaces) the payment method of the workspace's active hourly
   * contract: a Checkout Session in setup mode. Once completed, billing publishes
   * `billing.hourly_contract.payment_method_saved` and retries any unpaid week at once.
   */
  savePaymentMethod: rpcPattern<PaymentMethodSetupView>()(queue, 'billing.hourly.payment_method.save', WorkspaceRef),
};
