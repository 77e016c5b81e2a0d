import { Inject, Injectable } from '@nestjs/common';
import Stripe from 'stripe';
import { STRIPE } from '../stripe/stripe-client';
import type { HourlyContract } from './hourly-contract';
import type { WeekCharge } from './week-charge';

/** What a succeeded week payment moved, read back from Stripe. */
export interface WeekPaymentMoney {
  paymentIntent: Stripe.PaymentIntent;
  charge: Stripe.Charge;
  /** Stripe's processing fee (the charge's balance transaction). */
  stripeFee: { id: string; amount: number } | null;
  transfer: Stripe.Transfer;
  applicationFee: { id: string; amount: number } | null;
}

/**
 * The off-session charges that pay hourly weeks (Stripe side effects only). Each attempt is a
 * destination charge on the contract's saved card: Stripe transfers the amount to the
 * freelancer's connected account and takes the plan's fee back as the application fee.
 */
@Injectable()
export class WeekPayments {
  constructor(@Inject(STRIPE) private readonly stripe: Stripe) {}

  /**
   * Attempt `attempt` of the week charge. The idempotency key is the charge and the attempt:
   * a crash or a timeout before our outcome commits repeats the same request, and Stripe
   * answers it with the first outcome (the payment, or the decline), never a second charge.
   * A declined card throws Stripe.errors.StripeCardError.
   */
  charge(week: WeekCharge, attempt: number, contract: HourlyContract, destination: string, fee: number): Promise<Stripe.PaymentIntent> {
    return this.stripe.paymentIntents.create(
      {
        amount: week.amount,
        currency: week.currency.toLowerCase(),
        customer: contract.stripeCustomerId as string,
        payment_method: contract.paymentMethodId as string,
        confirm: true,
        off_session: true,
        application_fee_amount: fee,
        transfer_data: { destination },
        transfer_group: week.id,
        description: `Hours, week of ${week.weekStart}${week.batch > 0 ? ` (batch ${week.batch})` : ''}`,
        metadata: {
          weekChargeId: week.id,
          attempt: String(attempt),
          contractId: week.contractId,
          accountId: week.accountId,
          workspaceId: week.workspaceId,
          orderId: week.orderId ?? '',
        },
      },
      { idempotencyKey: `hourly-week:${week.id}:${attempt}` },
    );
  }

  /** The customer's PaymentIntents for this week charge (newest first): what an earlier, unrecorded attempt did. */
  async attemptsOf(week: WeekCharge, customerId: string): Promise<Stripe.PaymentIntent[]> {
    const found: Stripe.PaymentIntent[] = [];
    for await (const pi of this.stripe.paymentIntents.list({ customer: customerId, limit: 100 })) {
      if (pi.metadata?.weekChargeId === week.id) found.push(pi);
    }
    return found;
  }

  async moneyOf(paymentIntent: Stripe.PaymentIntent): Promise<WeekPaymentMoney> {
    const chargeId = typeof paymentIntent.latest_charge === 'string' ? paymentIntent.latest_charge : paymentIntent.latest_charge?.id;
    if (!chargeId) throw new Error(`payment intent ${paymentIntent.id} has no charge`);
    const charge = await this.stripe.charges.retrieve(chargeId, { expand: ['balance_transaction'] });
    const transferId = typeof charge.transfer === 'string' ? charge.transfer : charge.transfer?.id;
    if (!transferId) throw new Error(`week charge ${charge.id} has no transfer yet`);
    const transfer = await this.stripe.transfers.retrieve(transferId);
    const feeId = typeof charge.application_fee === 'string' ? charge.application_fee : (charge.application_fee?.id ?? null);
    const applicationFee = feeId ? { id: feeId, amount: (await this.stripe.applicationFees.retrieve(feeId)).amount } : null;
    const balance = charge.balance_transaction as Stripe.BalanceTransaction | string | null;
    const stripeFee = balance && typeof balance !== 'string' && balance.fee > 0 ? { id: balance.id, amount: balance.fee } : null;
    return { paymentIntent, charge, stripeFee, transfer, applicationFee };
  }
}
