import type { Core } from '../core';
import { paginate } from '../http/list';
import type { ApiRouter } from '../http/router';

export function registerEvents(api: ApiRouter, core: Core): void {
  const { state } = core;
  api.get('/events/:id', (req) => state.events.get(req.path.id, req.owner));
  api.get(
    '/events',
    (req) => {
      const p = req.params;
      const type = p.str('type');
      const types = p.strList('types');
      const deliverySuccess = p.bool('delivery_success');
      // `type` accepts one `*` wildcard (e.g. `charge.*`), as on Stripe.
      const typeMatch = type?.includes('*')
        ? new RegExp(
            `^${type
              .split('*')
              .map((s) => s.replace(/[.]/g, '\\.'))
              .join('.*')}$`,
          )
        : null;
      const items = state.events.all(req.owner).filter((e) => {
        if (type && !(typeMatch ? typeMatch.test(e.type) : e.type === type)) return false;
        if (types && !types.includes(e.type)) return false;
        if (deliverySuccess !== undefined && core.webhooks.deliverySucceeded(e.id) !== deliverySuccess) return false;
        return true;
      });
      return paginate(items, p, '/v1/events');
    },
    { allow: ['type', 'types', 'delivery_success', 'created', 'limit', 'starting_after', 'ending_before'] },
  );
}
