import type Stripe from 'stripe';
import type { Core } from '../core';
import { invalidRequest, missingParam } from '../http/errors';
import { mergeMetadata } from '../http/form';
import { listOf, paginate } from '../http/list';
import type { ApiRouter } from '../http/router';
import { refundCharge } from '../money/refunds';

export function registerCharges(api: ApiRouter, core: Core): void {
  const { state } = core;
  // Since API 2022-11-15 `charge.refunds` is only returned when expanded.
  api.expander.include('charge', 'refunds', (obj) => {
    const refunds = state.refunds.all().filter((r) => r.charge === obj.id);
    return listOf(refunds, `/v1/charges/${String(obj.id)}/refunds`);
  });
  api.get('/charges/:id', (req) => state.charges.get(req.path.id, req.owner));
  api.get('/charges', (req) => {
    const p = req.params;
    const pi = p.str('payment_intent');
    const customer = p.str('customer');
    const group = p.str('transfer_group');
    const items = state.charges
      .all(req.owner)
      .filter((c) => (!pi || c.payment_intent === pi) && (!customer || c.customer === customer) && (!group || c.transfer_group === group));
    return paginate(items, p, '/v1/charges');
  });
  api.post(
    '/charges/:id',
    (req) => {
      const c = state.charges.get(req.path.id, req.owner);
      const p = req.params;
      if (p.has('metadata')) c.metadata = p.isEmptied('metadata') ? {} : mergeMetadata(c.metadata, p.metadata());
      if (p.has('description')) c.description = p.nullableStr('description') ?? null;
      if (p.has('transfer_group')) c.transfer_group = p.nullableStr('transfer_group') ?? null;
      core.events.publish('charge.updated', req.owner, c);
      return c;
    },
    { allow: ['metadata', 'description', 'transfer_group', 'receipt_email', 'fraud_details', 'shipping', 'customer'] },
  );
  api.get('/charges/:id/refunds', (req) => {
    const c = state.charges.get(req.path.id, req.owner);
    return paginate(
      state.refunds.all(req.owner).filter((r) => r.charge === c.id),
      req.params,
      `/v1/charges/${c.id}/refunds`,
    );
  });

  api.post(
    '/refunds',
    (req) => {
      const p = req.params;
      let charge: Stripe.Charge;
      const chargeId = p.str('charge');
      const piId = p.str('payment_intent');
      if (chargeId) {
        charge = state.charges.get(chargeId, req.owner, 'charge');
      } else if (piId) {
        const pi = state.paymentIntents.get(piId, req.owner, 'payment_intent');
        if (!pi.latest_charge) throw invalidRequest(`PaymentIntent ${pi.id} has no charge to refund.`, { param: 'payment_intent' });
        charge = state.charges.get(pi.latest_charge as string, req.owner, 'payment_intent');
      } else {
        throw missingParam('charge');
      }
      return refundCharge(core, req.owner, charge, {
        amount: p.int('amount'),
        reason: p.oneOf('reason', ['duplicate', 'fraudulent', 'requested_by_customer'] as const) ?? null,
        metadata: p.metadata(),
        reverseTransfer: p.bool('reverse_transfer'),
        refundApplicationFee: p.bool('refund_application_fee'),
      });
    },
    {
      allow: [
        'charge',
        'payment_intent',
        'amount',
        'reason',
        'metadata',
        'reverse_transfer',
        'refund_application_fee',
        'instructions_email',
      ],
    },
  );
  api.get('/refunds/:id', (req) => state.refunds.get(req.path.id, req.owner));
  api.get('/refunds', (req) => {
    const charge = req.params.str('charge');
    const pi = req.params.str('payment_intent');
    const items = state.refunds.all(req.owner).filter((r) => (!charge || r.charge === charge) && (!pi || r.payment_intent === pi));
    return paginate(items, req.params, '/v1/refunds');
  });
  api.post(
    '/refunds/:id',
    (req) => {
      const r = state.refunds.get(req.path.id, req.owner);
      if (req.params.has('metadata')) r.metadata = mergeMetadata(r.metadata, req.params.metadata());
      return r;
    },
    { allow: ['metadata'] },
  );
}
