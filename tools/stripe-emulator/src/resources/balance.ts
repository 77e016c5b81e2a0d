import type { Core } from '../core';
import { paginate } from '../http/list';
import type { ApiRouter } from '../http/router';

export function registerBalance(api: ApiRouter, core: Core): void {
  const { state } = core;
  api.get('/balance', (req) => core.ledger.balance(req.owner));
  api.get('/balance_transactions/:id', (req) => {
    core.ledger.refresh(req.owner);
    return state.balanceTransactions.get(req.path.id, req.owner);
  });
  api.get('/balance_transactions', (req) => {
    core.ledger.refresh(req.owner);
    const p = req.params;
    const type = p.str('type');
    const source = p.str('source');
    const currency = p.str('currency');
    const items = state.balanceTransactions
      .all(req.owner)
      .filter((bt) => (!type || bt.type === type) && (!source || bt.source === source) && (!currency || bt.currency === currency));
    return paginate(items, p, '/v1/balance_transactions');
  });
}
