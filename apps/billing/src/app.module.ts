import { DynamicModule, Module } from '@nestjs/common';
import type { Logger as PinoLogger } from 'pino';
import { KeySet } from '@fpms/auth/key-set';
import { Clock } from '@fpms/common/scheduling/clock';
import { PlatformModule } from '@fpms/platform/platform.module';
import { BillingEnv } from './config';
import { BILLING_ENV } from './billing-env.token';
import { createStripeClient, STRIPE } from './stripe/stripe-client';
import { STRIPE_EVENT_HANDLERS, StripeEventHandler } from './webhooks/stripe-event-handler';
import { webhookControllers, webhookProviders } from './webhooks/webhooks.providers';

export interface BillingAppOptions {
  clock?: Clock;
  /** Handlers added after the features' own (tests register probes here; production passes none). */
  stripeEventHandlers?: StripeEventHandler[];
}

/**
 * The billing service: Stripe Connect, escrow orders, the webhook ledger and the money
 * ledger. Every Stripe event reaches the features through STRIPE_EVENT_HANDLERS.
 */
@Module({})
export class BillingAppModule {
  static forRoot(env: BillingEnv, keys: KeySet, logger: PinoLogger, options: BillingAppOptions = {}): DynamicModule {
    const eventHandlers: Array<new (...args: never[]) => StripeEventHandler> = [];
    return {
      module: BillingAppModule,
      imports: [PlatformModule.forRoot({ service: 'billing', env, keys, logger, entities: [], clock: options.clock })],
      controllers: [...webhookControllers],
      providers: [
        { provide: BILLING_ENV, useValue: env },
        { provide: STRIPE, useFactory: () => createStripeClient(env) },
        ...eventHandlers,
        {
          provide: STRIPE_EVENT_HANDLERS,
          inject: eventHandlers,
          useFactory: (...handlers: StripeEventHandler[]) => [...handlers, ...(options.stripeEventHandlers ?? [])],
        },
        ...webhookProviders(env),
      ],
    };
  }
}
