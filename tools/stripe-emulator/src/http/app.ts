import express from 'express';
import { controlRouter } from '../control/routes';
import type { Core } from '../core';
import { EventBus } from '../events/bus';
import { Ledger } from '../money/ledger';
import { platformAccount, registerAccounts } from '../resources/accounts';
import { registerApplicationFees } from '../resources/application-fees';
import { registerBalance } from '../resources/balance';
import { registerCatalog } from '../resources/catalog';
import { registerCharges } from '../resources/charges';
import { CheckoutSessions } from '../resources/checkout-sessions';
import { registerCustomers } from '../resources/customers';
import { registerDisputes } from '../resources/disputes';
import { registerEvents } from '../resources/events';
import { registerPaymentIntents } from '../resources/payment-intents';
import { registerPaymentMethods } from '../resources/payment-methods';
import { registerPayouts } from '../resources/payouts';
import { registerSetupIntents } from '../resources/setup-intents';
import { SubscriptionSchedules } from '../resources/subscription-schedules';
import { Subscriptions } from '../resources/subscriptions';
import { registerTransfers } from '../resources/transfers';
import { registerWebhookEndpoints } from '../resources/webhook-endpoints';
import { State } from '../state';
import { WebhookDispatcher } from '../webhooks/delivery';
import { errorMiddleware, invalidRequest, sendStripeError } from './errors';
import { ApiRouter } from './router';

/** Wires services onto the core and builds the express app: `/v1` is Stripe, `/_emulator` the test controls. */
export function buildApp(core: Core): express.Express {
  core.ledger = new Ledger(core);
  core.events = new EventBus(core);
  core.webhooks = new WebhookDispatcher(core);
  core.state.accounts.insert(core.platformId, platformAccount(core));

  const api = new ApiRouter(core);
  const subscriptions = new Subscriptions(core);
  const checkout = new CheckoutSessions(core, subscriptions);
  registerAccounts(api, core);
  registerCustomers(api, core);
  registerPaymentMethods(api, core);
  registerCatalog(api, core);
  checkout.register(api);
  registerPaymentIntents(api, core);
  registerSetupIntents(api, core);
  registerCharges(api, core);
  registerTransfers(api, core);
  registerApplicationFees(api, core);
  registerBalance(api, core);
  registerPayouts(api, core);
  registerDisputes(api, core);
  subscriptions.register(api);
  new SubscriptionSchedules(core, subscriptions).register(api);
  registerEvents(api, core);
  registerWebhookEndpoints(api, core);

  const reset = () => {
    core.clock.clearTasks();
    core.webhooks.reset();
    core.idempotency.clear();
    api.faults.clear();
    core.state = new State();
    core.state.accounts.insert(core.platformId, platformAccount(core));
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(express.raw({ type: () => true, limit: '2mb' }));
  app.use('/_emulator', controlRouter({ core, api, checkout, subscriptions, reset }));
  app.use('/v1', api.router);
  app.use((req, res) => {
    const authError = api.authenticate(req);
    if (authError) return sendStripeError(res, authError);
    sendStripeError(
      res,
      invalidRequest(
        `Unrecognized request URL (${req.method}: ${req.path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
        {},
        404,
      ),
    );
  });
  app.use(errorMiddleware);
  return app;
}
