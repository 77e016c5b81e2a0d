import type { Core } from '../core';
import { invalidRequest } from '../http/errors';
import { mergeMetadata } from '../http/form';
import { paginate } from '../http/list';
import type { ApiRouter } from '../http/router';
import { assertTransferDestination, createTransfer, reverseTransfer, transferredFrom } from '../money/transfers';

const INSUFFICIENT =
  'You have insufficient available funds in your Stripe account. Try adding funds directly to your available balance by creating Charges using the 4000000000000077 test card. See: https://stripe.com/docs/testing#available-balance';

export function registerTransfers(api: ApiRouter, core: Core): void {
  const { state } = core;
  api.post(
    '/transfers',
    (req) => {
      if (req.connected) throw invalidRequest('Transfers can only be created by the platform.', {}, 403);
      const p = req.params;
      const amount = p.reqInt('amount');
      const currency = p.reqStr('currency').toLowerCase();
      if (amount <= 0) throw invalidRequest('Amount must be positive.', { param: 'amount', code: 'parameter_invalid_integer' });
      const destination = p.reqStr('destination');
      assertTransferDestination(core, destination);
      const sourceId = p.str('source_transaction');
      let availableOn = core.now();
      let source = null;
      if (sourceId) {
        // Funds tied to a charge can be transferred before they are available.
        source = state.charges.get(sourceId, core.platformId, 'source_transaction');
        if (source.status !== 'succeeded')
          throw invalidRequest(`The source_transaction ${sourceId} has not succeeded.`, { param: 'source_transaction' });
        if (source.currency !== currency)
          throw invalidRequest("The currency of source_transaction's balance transaction must match the transfer currency.", {
            param: 'currency',
          });
        const left = source.amount - source.amount_refunded - transferredFrom(core, source.id);
        if (amount > left) {
          throw invalidRequest(
            `The transfer amount (${amount}) exceeds the amount of the source_transaction still available to transfer (${left}).`,
            {
              param: 'amount',
              code: 'balance_insufficient',
            },
          );
        }
        const bt = source.balance_transaction ? state.balanceTransactions.findAny(source.balance_transaction as string)?.obj : undefined;
        availableOn = Math.max(bt?.available_on ?? availableOn, core.now());
      } else if (core.ledger.available(core.platformId, currency) < amount) {
        throw invalidRequest(INSUFFICIENT, { code: 'balance_insufficient' });
      }
      return createTransfer(core, {
        amount,
        currency,
        destination,
        sourceTransaction: source,
        transferGroup: p.str('transfer_group') ?? null,
        description: p.str('description'),
        metadata: p.metadata(),
        availableOn,
      });
    },
    { allow: ['amount', 'currency', 'destination', 'source_transaction', 'transfer_group', 'description', 'metadata', 'source_type'] },
  );
  api.get('/transfers/:id', (req) => state.transfers.get(req.path.id, req.owner));
  api.get('/transfers', (req) => {
    const destination = req.params.str('destination');
    const group = req.params.str('transfer_group');
    const items = state.transfers
      .all(req.owner)
      .filter((t) => (!destination || t.destination === destination) && (!group || t.transfer_group === group));
    return paginate(items, req.params, '/v1/transfers');
  });
  api.post(
    '/transfers/:id',
    (req) => {
      const t = state.transfers.get(req.path.id, req.owner);
      if (req.params.has('metadata')) t.metadata = mergeMetadata(t.metadata, req.params.metadata());
      if (req.params.has('description')) t.description = req.params.nullableStr('description') ?? null;
      core.events.publish('transfer.updated', req.owner, t);
      return t;
    },
    { allow: ['metadata', 'description'] },
  );
  api.post(
    '/transfers/:id/reversals',
    (req) => {
      const t = state.transfers.get(req.path.id, req.owner);
      const amount = req.params.int('amount') ?? t.amount - t.amount_reversed;
      return reverseTransfer(core, t, amount, { metadata: req.params.metadata(), description: req.params.str('description') });
    },
    { allow: ['amount', 'metadata', 'description', 'refund_application_fee'] },
  );
  api.get('/transfers/:id/reversals', (req) => {
    const t = state.transfers.get(req.path.id, req.owner);
    return paginate(
      state.transferReversals.all(req.owner).filter((r) => r.transfer === t.id),
      req.params,
      `/v1/transfers/${t.id}/reversals`,
    );
  });
  api.get('/transfers/:id/reversals/:rid', (req) => {
    state.transfers.get(req.path.id, req.owner);
    return state.transferReversals.get(req.path.rid, req.owner);
  });
}
