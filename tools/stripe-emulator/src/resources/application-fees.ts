import type { Core } from '../core';
import { paginate } from '../http/list';
import type { ApiRouter } from '../http/router';
import { refundApplicationFee } from '../money/refunds';

export function registerApplicationFees(api: ApiRouter, core: Core): void {
  const { state } = core;
  api.get('/application_fees/:id', (req) => state.applicationFees.get(req.path.id, req.owner));
  api.get('/application_fees', (req) => {
    const charge = req.params.str('charge');
    const items = state.applicationFees
      .all(req.owner)
      .filter((f) => !charge || f.charge === charge || f.originating_transaction === charge);
    return paginate(items, req.params, '/v1/application_fees');
  });
  api.post(
    '/application_fees/:id/refunds',
    (req) => {
      const fee = state.applicationFees.get(req.path.id, req.owner);
      return refundApplicationFee(core, fee, req.params.int('amount') ?? fee.amount - fee.amount_refunded, req.params.metadata());
    },
    { allow: ['amount', 'metadata'] },
  );
  api.get('/application_fees/:id/refunds', (req) => {
    const fee = state.applicationFees.get(req.path.id, req.owner);
    return paginate(
      state.feeRefunds.all(req.owner).filter((r) => r.fee === fee.id),
      req.params,
      `/v1/application_fees/${fee.id}/refunds`,
    );
  });
  api.get('/application_fees/:id/refunds/:rid', (req) => {
    state.applicationFees.get(req.path.id, req.owner);
    return state.feeRefunds.get(req.path.rid, req.owner);
  });
}
