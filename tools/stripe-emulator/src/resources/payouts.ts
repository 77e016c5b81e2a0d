import type Stripe from 'stripe';
import type { Core } from '../core';
import { invalidRequest } from '../http/errors';
import { mergeMetadata } from '../http/form';
import { paginate } from '../http/list';
import type { ApiRouter } from '../http/router';
import { newId } from '../ids';

const ARRIVAL_SECONDS = 2 * 24 * 3600;

/**
 * Marks a payout paid or failed. Failure returns the funds (`payout_failure` BT). Both
 * emit the event on the payout's account (a connected account's payout events carry `account`).
 * As on Stripe, a `paid` payout may still fail (the bank returned it: `payout.failed` follows
 * `payout.paid`); a failed or canceled one is final.
 */
export function settlePayout(
  core: Core,
  owner: string,
  payout: Stripe.Payout,
  outcome: 'paid' | 'failed',
  failureCode = 'account_closed',
): Stripe.Payout {
  const open = payout.status === 'pending' || payout.status === 'in_transit';
  if (!open && !(outcome === 'failed' && payout.status === 'paid'))
    throw invalidRequest(`Payout ${payout.id} is already ${payout.status}.`);
  if (outcome === 'paid') {
    payout.status = 'paid';
    core.events.publish('payout.paid', owner, payout);
  } else {
    const bt = core.ledger.post({
      owner,
      amount: payout.amount,
      currency: payout.currency,
      type: 'payout_failure',
      reportingCategory: 'payout_reversal',
      source: payout.id,
    });
    payout.status = 'failed';
    payout.failure_code = failureCode;
    payout.failure_message = 'The bank account has been closed.';
    payout.failure_balance_transaction = bt.id;
    core.events.publish('payout.failed', owner, payout);
  }
  return payout;
}

export function registerPayouts(api: ApiRouter, core: Core): void {
  const { state } = core;
  api.post(
    '/payouts',
    (req) => {
      const p = req.params;
      const amount = p.reqInt('amount');
      const currency = p.reqStr('currency').toLowerCase();
      if (amount <= 0) throw invalidRequest('Amount must be positive.', { param: 'amount' });
      const account = state.accounts.get(req.owner, core.platformId);
      if (!account.payouts_enabled) throw invalidRequest('Payouts are not enabled for this account.', { code: 'payouts_not_allowed' });
      if (core.ledger.available(req.owner, currency) < amount) {
        throw invalidRequest('You have insufficient funds in your Stripe account for this transfer. Your card balance is too low.', {
          code: 'balance_insufficient',
        });
      }
      const id = newId('po');
      const bt = core.ledger.post({ owner: req.owner, amount: -amount, currency, type: 'payout', reportingCategory: 'payout', source: id });
      const now = core.now();
      const bank = account.external_accounts?.data[0]?.id ?? newId('ba');
      const payout: Stripe.Payout = {
        id,
        object: 'payout',
        amount,
        application_fee: null,
        application_fee_amount: null,
        arrival_date: now + ARRIVAL_SECONDS,
        automatic: false,
        balance_transaction: bt.id,
        created: now,
        currency,
        description: p.str('description') ?? 'STRIPE PAYOUT',
        destination: p.str('destination') ?? bank,
        failure_balance_transaction: null,
        failure_code: null,
        failure_message: null,
        livemode: false,
        metadata: p.metadata() ?? {},
        method: p.str('method') ?? 'standard',
        original_payout: null,
        payout_method: null,
        reconciliation_status: 'not_applicable',
        reversed_by: null,
        source_type: 'card',
        statement_descriptor: p.str('statement_descriptor') ?? null,
        status: 'pending',
        trace_id: { status: 'pending', value: null },
        type: 'bank_account',
      };
      state.payouts.insert(req.owner, payout);
      core.events.publish('payout.created', req.owner, payout);
      // Test-mode payouts arrive on their own unless a test control fails them first.
      const owner = req.owner;
      core.clock.schedule(payout.arrival_date * 1000, `payout ${id} arrival`, () => {
        if (payout.status === 'pending' || payout.status === 'in_transit') settlePayout(core, owner, payout, 'paid');
      });
      return payout;
    },
    { allow: ['amount', 'currency', 'description', 'destination', 'metadata', 'method', 'statement_descriptor', 'source_type'] },
  );
  api.get('/payouts/:id', (req) => state.payouts.get(req.path.id, req.owner));
  api.get('/payouts', (req) => {
    const status = req.params.str('status');
    return paginate(
      state.payouts.all(req.owner).filter((po) => !status || po.status === status),
      req.params,
      '/v1/payouts',
    );
  });
  api.post(
    '/payouts/:id',
    (req) => {
      const po = state.payouts.get(req.path.id, req.owner);
      if (req.params.has('metadata')) po.metadata = mergeMetadata(po.metadata, req.params.metadata());
      core.events.publish('payout.updated', req.owner, po);
      return po;
    },
    { allow: ['metadata'] },
  );
  api.post(
    '/payouts/:id/cancel',
    (req) => {
      const po = state.payouts.get(req.path.id, req.owner);
      if (po.status !== 'pending') throw invalidRequest(`Payout ${po.id} cannot be canceled in status ${po.status}.`);
      core.ledger.post({
        owner: req.owner,
        amount: po.amount,
        currency: po.currency,
        type: 'payout_cancel',
        reportingCategory: 'payout_reversal',
        source: po.id,
      });
      po.status = 'canceled';
      core.events.publish('payout.canceled', req.owner, po);
      return po;
    },
    { allow: [] },
  );
}
