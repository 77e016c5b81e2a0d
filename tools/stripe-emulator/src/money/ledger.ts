import type Stripe from 'stripe';
import type { Core } from '../core';
import { newId } from '../ids';

export interface Posting {
  owner: string;
  amount: number;
  currency: string;
  type: Stripe.BalanceTransaction.Type;
  reportingCategory: string;
  source: string | null;
  description?: string | null;
  /** Fees withheld from this transaction (Stripe's processing fee, an application fee...). */
  feeDetails?: Stripe.BalanceTransaction.FeeDetail[];
  /** Unix seconds the funds become available; defaults to now. */
  availableOn?: number;
}

/**
 * Every movement of money is a balance transaction on one account; balances are only
 * ever the sum of them, so the books always reconcile by construction.
 */
export class Ledger {
  constructor(private readonly core: Core) {}

  post(p: Posting): Stripe.BalanceTransaction {
    if (!Number.isSafeInteger(p.amount)) throw new Error(`non-integer amount ${p.amount}`);
    const now = this.core.now();
    const feeDetails = p.feeDetails ?? [];
    const fee = feeDetails.reduce((sum, f) => sum + f.amount, 0);
    const availableOn = p.availableOn ?? now;
    const bt: Stripe.BalanceTransaction = {
      id: newId('txn'),
      object: 'balance_transaction',
      amount: p.amount,
      available_on: availableOn,
      balance_type: 'payments',
      created: now,
      currency: p.currency,
      description: p.description ?? null,
      exchange_rate: null,
      fee,
      fee_details: feeDetails,
      net: p.amount - fee,
      reporting_category: p.reportingCategory,
      source: p.source,
      status: availableOn <= now ? 'available' : 'pending',
      type: p.type,
    };
    return this.core.state.balanceTransactions.insert(p.owner, bt);
  }

  /** Brings `status` up to date with the clock (pending funds become available). */
  refresh(owner: string): void {
    const now = this.core.now();
    for (const bt of this.core.state.balanceTransactions.all(owner)) {
      bt.status = bt.available_on <= now ? 'available' : 'pending';
    }
  }

  available(owner: string, currency: string): number {
    const now = this.core.now();
    return this.core.state.balanceTransactions
      .all(owner)
      .filter((bt) => bt.currency === currency && bt.available_on <= now)
      .reduce((sum, bt) => sum + bt.net, 0);
  }

  balance(owner: string): Stripe.Balance {
    this.refresh(owner);
    const now = this.core.now();
    const available = new Map<string, number>();
    const pending = new Map<string, number>();
    for (const bt of this.core.state.balanceTransactions.all(owner)) {
      const bucket = bt.available_on <= now ? available : pending;
      bucket.set(bt.currency, (bucket.get(bt.currency) ?? 0) + bt.net);
    }
    const currencies = new Set([...available.keys(), ...pending.keys()]);
    if (currencies.size === 0) currencies.add('usd');
    const rows = (m: Map<string, number>) =>
      [...currencies].sort().map((currency) => ({ amount: m.get(currency) ?? 0, currency, source_types: { card: m.get(currency) ?? 0 } }));
    const balance: Stripe.Balance = {
      object: 'balance',
      available: rows(available),
      livemode: false,
      pending: rows(pending),
    };
    if (this.core.isPlatform(owner)) {
      balance.connect_reserved = [...currencies].sort().map((currency) => ({ amount: 0, currency }));
    }
    return balance;
  }
}
