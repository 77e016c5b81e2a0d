import { Inject, Injectable, Logger } from '@nestjs/common';
import type Stripe from 'stripe';
import { Clock } from '@fpms/common/scheduling/clock';
import { StripeEventContext, StripeEventHandler } from '../webhooks/stripe-event-handler';
import { HourlyBillingEvents } from './hourly-billing-events';
import { HourlyContractsRepository } from './hourly-contracts.repository';
import { PaymentMethodSetups } from './payment-method-setups';
import { WeekChargesRepository } from './week-charges.repository';
import { WeekChargeWorker } from './week-charge.worker';

/**
 * A setup-mode Checkout completed: the contract's card is saved (the session is re-read from
 * Stripe, with its SetupIntent and card), billing.hourly_contract.payment_method_saved is
 * published, and every unpaid week of the contract is due at once. The same session seen again
 * (a duplicate webhook) changes nothing; an older session does not replace a newer card.
 */
@Injectable()
export class SetupCheckoutEventsHandler implements StripeEventHandler {
  readonly eventTypes = ['checkout.session.completed'] as const;
  private readonly logger = new Logger(SetupCheckoutEventsHandler.name);

  constructor(
    private readonly setups: PaymentMethodSetups,
    private readonly contracts: HourlyContractsRepository,
    private readonly charges: WeekChargesRepository,
    private readonly events: HourlyBillingEvents,
    private readonly worker: WeekChargeWorker,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async handle(event: Stripe.Event, { manager }: StripeEventContext): Promise<void> {
    const payload = event.data.object as Stripe.Checkout.Session;
    const contractId = payload.metadata?.hourlyContractId;
    if (payload.mode !== 'setup' || !contractId) return;
    const contract = await this.contracts.lockById(manager, contractId);
    if (!contract) {
      this.logger.warn(`setup session ${payload.id} names unknown hourly contract ${contractId}`);
      return;
    }
    const session = await this.setups.retrieveCompleted(payload.id);
    const setupIntent = session.setup_intent as Stripe.SetupIntent | null;
    if (session.status !== 'complete' || !setupIntent || setupIntent.status !== 'succeeded') return;
    if (contract.setupIntentId === setupIntent.id) return;
    const savedAt = new Date(setupIntent.created * 1000);
    if (contract.paymentMethodSavedAt && contract.paymentMethodSavedAt.getTime() > savedAt.getTime()) return;
    const method = setupIntent.payment_method as Stripe.PaymentMethod;
    contract.paymentMethodId = method.id;
    contract.paymentMethodBrand = method.card?.brand?.slice(0, 32) ?? null;
    contract.paymentMethodLast4 = method.card?.last4 && /^\d{4}$/.test(method.card.last4) ? method.card.last4 : null;
    contract.paymentMethodSavedAt = savedAt;
    contract.setupIntentId = setupIntent.id;
    contract.stripeCustomerId =
      typeof session.customer === 'string' ? session.customer : (session.customer?.id ?? contract.stripeCustomerId);
    await this.contracts.savePaymentMethod(manager, contract);
    await this.events.paymentMethodSaved(manager, contract, session.metadata?.savedByUserId ?? contract.accountId);
    if ((await this.charges.retryUnpaidNow(manager, contract.id, this.clock.now())) > 0) this.worker.wakeSoon();
  }
}
