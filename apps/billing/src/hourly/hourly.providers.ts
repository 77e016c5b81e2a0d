import type { Provider } from '@nestjs/common';
import type { BillingEnv } from '../config';
import { HourlyBillingEvents } from './hourly-billing-events';
import { HourlyContractsRepository } from './hourly-contracts.repository';
import { HourlyWorkspaceEvents } from './hourly-workspace-events';
import { PaymentMethodService } from './payment-method.service';
import { PaymentMethodSetups } from './payment-method-setups';
import { SetupCheckoutEventsHandler } from './setup-checkout-events.handler';
import { WEEK_CHARGE_OPTIONS, WeekChargeOptions, WeekChargeWorker } from './week-charge.worker';
import { WeekChargesRepository } from './week-charges.repository';
import { WeekPayments } from './week-payments';

export { HourlyBillingController } from './hourly-billing.controller';
export { SetupCheckoutEventsHandler };

/** Billing's side of hourly contracts' weekly cycle (docs/time-tracking.md, "Weekly cycle: billing"). */
export function hourlyBillingProviders(env: BillingEnv): Provider[] {
  const options: WeekChargeOptions = {
    pollIntervalMs: env.HOURLY_CHARGE_POLL_MS,
    retryDelaysSeconds: env.HOURLY_CHARGE_RETRY_DELAYS_SECONDS,
    unreachableRetrySeconds: env.RELEASE_RETRY_BASE_SECONDS,
  };
  return [
    HourlyContractsRepository,
    WeekChargesRepository,
    HourlyBillingEvents,
    HourlyWorkspaceEvents,
    PaymentMethodSetups,
    PaymentMethodService,
    WeekPayments,
    { provide: WEEK_CHARGE_OPTIONS, useValue: options },
    WeekChargeWorker,
  ];
}
