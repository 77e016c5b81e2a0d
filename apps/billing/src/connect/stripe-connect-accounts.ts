import { Inject, Injectable } from '@nestjs/common';
import Stripe from 'stripe';
import { BILLING_ENV } from '../billing-env.token';
import type { BillingEnv } from '../config';
import { STRIPE } from '../stripe/stripe-client';
import { ConnectError } from './connect.errors';

/** Where Stripe's hosted onboarding sends the freelancer back to (the web app's payouts settings). */
const PAYOUTS_PAGE = '/settings/payouts';

/** The metadata key naming our account on its connected account (webhooks can find a row that was never written). */
export const ACCOUNT_ID_METADATA = 'fpms_account_id';

/** Stripe's Connect accounts and account links: the only place billing calls them. */
@Injectable()
export class StripeConnectAccounts {
  constructor(
    @Inject(STRIPE) private readonly stripe: Stripe,
    @Inject(BILLING_ENV) private readonly env: BillingEnv,
  ) {}

  /**
   * Creates the account's Express connected account. The idempotency key is our account id,
   * so a retry (or a concurrent first call) within Stripe's 24 h key lifetime answers the
   * same account; after that, the row written in the same unit of work is what prevents a second.
   */
  create(accountId: string): Promise<Stripe.Account> {
    return this.call(() =>
      this.stripe.accounts.create(
        {
          type: 'express',
          capabilities: { card_payments: { requested: true }, transfers: { requested: true } },
          metadata: { [ACCOUNT_ID_METADATA]: accountId },
        },
        { idempotencyKey: `connect-account:${accountId}` },
      ),
    );
  }

  /** The account as Stripe holds it now: the truth webhooks only hint at. */
  retrieve(stripeAccountId: string): Promise<Stripe.Account> {
    return this.call(() => this.stripe.accounts.retrieve(stripeAccountId));
  }

  /**
   * A fresh onboarding link (single use, valid a few minutes). No idempotency key of ours: a
   * link creates nothing lasting, and each call is meant to answer a new one.
   */
  async onboardingLink(stripeAccountId: string): Promise<{ url: string; expiresAt: string }> {
    const base = this.env.APP_PUBLIC_URL.replace(/\/+$/, '');
    const link = await this.call(() =>
      this.stripe.accountLinks.create({
        account: stripeAccountId,
        type: 'account_onboarding',
        return_url: `${base}${PAYOUTS_PAGE}?onboarding=done`,
        refresh_url: `${base}${PAYOUTS_PAGE}?onboarding=expired`,
      }),
    );
    return { url: link.url, expiresAt: new Date(link.expires_at * 1000).toISOString() };
  }

  /** Stripe being down or throttling is a 503 the caller may retry; anything else stays an error of ours. */
  private async call<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      const transient =
        error instanceof Stripe.errors.StripeConnectionError ||
        error instanceof Stripe.errors.StripeRateLimitError ||
        (error instanceof Stripe.errors.StripeError && (error.statusCode ?? 0) >= 500);
      if (transient) throw ConnectError.stripeUnavailable();
      throw error;
    }
  }
}
