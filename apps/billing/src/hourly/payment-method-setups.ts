import { Inject, Injectable } from '@nestjs/common';
import Stripe from 'stripe';
import { BILLING_ENV } from '../billing-env.token';
import type { BillingEnv } from '../config';
import { STRIPE } from '../stripe/stripe-client';
import type { HourlyContract } from './hourly-contract';

/** Stripe's metadata on a payment-method setup session and its SetupIntent: how the webhook finds its contract. */
export interface SetupMetadata {
  hourlyContractId: string;
  accountId: string;
  workspaceId: string;
  savedByUserId: string;
}

/** The Stripe customer and the setup-mode Checkout Sessions that save an hourly contract's card (Stripe side effects only). */
@Injectable()
export class PaymentMethodSetups {
  constructor(
    @Inject(STRIPE) private readonly stripe: Stripe,
    @Inject(BILLING_ENV) private readonly env: BillingEnv,
  ) {}

  /** The contract's customer, made once (the idempotency key is the contract: a retry gets the same customer). */
  createCustomer(contract: HourlyContract): Promise<Stripe.Customer> {
    return this.stripe.customers.create(
      { metadata: { hourlyContractId: contract.id, accountId: contract.accountId, workspaceId: contract.workspaceId } },
      { idempotencyKey: `hourly-customer:${contract.id}` },
    );
  }

  /** A setup-mode session for the contract's customer; one per attempt (the key), so each click is a fresh page. */
  createSession(contract: HourlyContract, savedByUserId: string): Promise<Stripe.Checkout.Session> {
    const metadata: SetupMetadata & Stripe.MetadataParam = {
      hourlyContractId: contract.id,
      accountId: contract.accountId,
      workspaceId: contract.workspaceId,
      savedByUserId,
    };
    const back = `${this.env.APP_PUBLIC_URL}/workspaces/${contract.workspaceId}/hourly-contract`;
    return this.stripe.checkout.sessions.create(
      {
        mode: 'setup',
        currency: contract.currency.toLowerCase(),
        customer: contract.stripeCustomerId as string,
        metadata,
        setup_intent_data: { metadata },
        success_url: `${back}?payment_method=saved`,
        cancel_url: `${back}?payment_method=cancelled`,
      },
      { idempotencyKey: `hourly-setup:${contract.id}:${contract.setupAttempt}` },
    );
  }

  retrieveCompleted(sessionId: string): Promise<Stripe.Checkout.Session> {
    return this.stripe.checkout.sessions.retrieve(sessionId, { expand: ['setup_intent', 'setup_intent.payment_method'] });
  }
}
