import { CrossTenantPayoutsRepository, PayoutsRepository } from './payouts.repository';
import { PayoutsService } from './payouts.service';

/** Payouts' providers (PayoutEventsHandler is registered among the Stripe event handlers in app.module). */
export const PAYOUT_PROVIDERS = [PayoutsRepository, CrossTenantPayoutsRepository, PayoutsService];
