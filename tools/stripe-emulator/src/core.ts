import Stripe from 'stripe';
import { Clock } from './clock';
import { IdempotencyStore } from './idempotency';
import { newId } from './ids';
import type { ResolvedOptions } from './options';
import { State } from './state';
import type { EventBus } from './events/bus';
import type { Ledger } from './money/ledger';
import type { WebhookDispatcher } from './webhooks/delivery';

/** The API version the installed SDK speaks; events are rendered in it. */
export const API_VERSION: string = Stripe.API_VERSION;

/** Stripe's `Decimal` fields travel as strings on the wire. */
export function decimal(value: string): Stripe.Decimal {
  return value as unknown as Stripe.Decimal;
}

/** The request being served, so events can carry `request.id` / `idempotency_key`. */
export interface RequestInfo {
  id: string;
  idempotencyKey: string | null;
}

/**
 * Shared emulator state and services. Request handlers, the clock's scheduled tasks and
 * the test controls all mutate the same Core synchronously, one at a time, which is what
 * makes each API call atomic.
 */
export class Core {
  state = new State();
  readonly clock: Clock;
  readonly idempotency: IdempotencyStore;
  readonly platformId = newId('acct');
  baseUrl = '';
  currentRequest: RequestInfo | null = null;
  events!: EventBus;
  ledger!: Ledger;
  webhooks!: WebhookDispatcher;

  constructor(readonly options: ResolvedOptions) {
    this.clock = new Clock(options.clock);
    this.idempotency = new IdempotencyStore(this.clock);
  }

  now(): number {
    return this.clock.now();
  }

  isPlatform(owner: string): boolean {
    return owner === this.platformId;
  }
}
