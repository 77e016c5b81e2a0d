import express, { type Request, type Response } from 'express';
import type Stripe from 'stripe';
import type { Core } from '../core';
import type { ApiFault } from '../http/api-faults';
import { StripeApiError } from '../http/errors';
import type { ApiRouter } from '../http/router';
import { closeDispute, openDispute } from '../money/disputes';
import { setOnboarding, type OnboardingState } from '../resources/accounts';
import type { CheckoutSessions, CompleteCheckoutInput } from '../resources/checkout-sessions';
import { settlePayout } from '../resources/payouts';
import type { Subscriptions } from '../resources/subscriptions';
import { createWebhookEndpoint } from '../resources/webhook-endpoints';
import { validateFault, type WebhookFault } from '../webhooks/faults';

export interface ControlDeps {
  core: Core;
  api: ApiRouter;
  checkout: CheckoutSessions;
  subscriptions: Subscriptions;
  reset: () => void;
}

class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function body(req: Request): Record<string, unknown> {
  if (!Buffer.isBuffer(req.body) || req.body.length === 0) return {};
  const text = req.body.toString('utf8');
  if ((req.get('content-type') ?? '').includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new ControlError(400, 'Control endpoints take a JSON body.');
  }
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Test controls, outside Stripe's API under `/_emulator`: they play the parts Stripe's
 * API cannot (the paying customer, the bank, the card network, the onboarding user,
 * time itself) and configure fault injection. No API key is needed.
 */
export function controlRouter(deps: ControlDeps): express.Router {
  const { core, api, checkout, subscriptions } = deps;
  const r = express.Router();

  const route = (method: 'get' | 'post' | 'delete', path: string, handler: (req: Request, res: Response) => unknown) => {
    r[method](path, async (req, res) => {
      try {
        const result = await handler(req, res);
        if (!res.headersSent) res.status(200).json(result ?? { ok: true });
      } catch (err) {
        if (err instanceof StripeApiError) res.status(err.status).json({ error: err.body });
        else if (err instanceof ControlError) res.status(err.status).json({ error: { message: err.message } });
        else res.status(400).json({ error: { message: (err as Error).message } });
      }
    });
  };
  const ownerOf = (collection: { ownerOf(id: string): string | undefined }, id: string, noun: string): string => {
    const owner = collection.ownerOf(id);
    if (!owner) throw new ControlError(404, `No such ${noun}: '${id}'`);
    return owner;
  };

  route('get', '/health', () => ({ ok: true, platform_account: core.platformId, now: core.now() }));
  route('post', '/reset', () => {
    deps.reset();
    return { ok: true };
  });

  route('get', '/clock', () => ({ now: core.now(), frozen: core.clock.frozen, pending_tasks: core.clock.pendingTasks() }));
  route('post', '/clock/advance', async (req) => {
    const seconds = Number(body(req).seconds);
    if (!Number.isFinite(seconds) || seconds < 0) throw new ControlError(400, 'seconds must be a non-negative number');
    await core.clock.advance(seconds);
    await core.webhooks.drain();
    return { now: core.now() };
  });
  route('post', '/clock/set', async (req) => {
    const time = Number(body(req).time);
    if (!Number.isInteger(time)) throw new ControlError(400, 'time must be unix seconds');
    await core.clock.setTime(time);
    await core.webhooks.drain();
    return { now: core.now() };
  });

  route('post', '/checkout/sessions/:id/complete', (req) => {
    const b = body(req);
    const input: CompleteCheckoutInput = {
      outcome: (b.outcome as CompleteCheckoutInput['outcome']) ?? 'success',
      paymentMethod: b.payment_method as string | undefined,
      email: b.email as string | undefined,
      name: b.name as string | undefined,
      settleAfterSeconds: b.settle_after_seconds as number | undefined,
    };
    if (!['success', 'decline', 'async_success', 'async_failure'].includes(input.outcome))
      throw new ControlError(400, 'outcome must be success, decline, async_success or async_failure');
    const id = String(req.params.id);
    return checkout.complete(ownerOf(core.state.checkoutSessions, id, 'checkout session'), id, input);
  });
  route('post', '/checkout/sessions/:id/settle', (req) => {
    const id = String(req.params.id);
    return checkout.settleAsync(ownerOf(core.state.checkoutSessions, id, 'checkout session'), id, body(req).success !== false);
  });
  // A minimal hosted page so `npm start` users can click through Checkout.
  route('get', '/checkout/:id', (req, res) => {
    const id = String(req.params.id);
    const s = core.state.checkoutSessions.findAny(id)?.obj;
    if (!s) throw new ControlError(404, 'No such checkout session');
    const buttons = ['success', 'decline', 'async_success', 'async_failure']
      .map((o) => `<button name="outcome" value="${o}">${o}</button>`)
      .join(' ');
    res
      .type('html')
      .send(
        `<!doctype html><title>Emulated Checkout</title><h1>Pay ${s.amount_total} ${escapeHtml(s.currency ?? '')}</h1><p>Session ${escapeHtml(s.id)} (${escapeHtml(String(s.status))})</p>` +
          `<form method="post" action="/_emulator/checkout/${escapeHtml(s.id)}/pay">${buttons}</form>`,
      );
  });
  route('post', '/checkout/:id/pay', (req, res) => {
    const id = String(req.params.id);
    const outcome = (body(req).outcome as CompleteCheckoutInput['outcome']) ?? 'success';
    const result = checkout.complete(ownerOf(core.state.checkoutSessions, id, 'checkout session'), id, { outcome });
    const target = result.error ? `/_emulator/checkout/${id}` : (result.session.success_url ?? '/').replace('{CHECKOUT_SESSION_ID}', id);
    res.redirect(303, target);
  });

  route('post', '/accounts/:id/onboarding', (req) => {
    const st = (body(req).state as OnboardingState) ?? 'complete';
    return setOnboarding(core, String(req.params.id), st);
  });
  // Following an Account Link completes onboarding, as a user filling the forms would.
  route('get', '/connect/onboarding/:token', (req, res) => {
    const link = core.state.accountLinks.get(String(req.params.token));
    if (!link) throw new ControlError(404, 'Unknown account link');
    core.state.accountLinks.delete(link.token);
    if (link.expiresAt < core.now()) return res.redirect(302, link.refreshUrl);
    setOnboarding(core, link.account, 'complete');
    res.redirect(302, link.returnUrl);
  });
  route('get', '/connect/express/:account/:token', (req, res) => {
    res
      .type('html')
      .send(`<!doctype html><title>Express dashboard</title><h1>Express dashboard for ${escapeHtml(String(req.params.account))}</h1>`);
  });

  route('post', '/charges/:id/dispute', (req) => {
    const b = body(req);
    const id = String(req.params.id);
    const owner = ownerOf(core.state.charges, id, 'charge');
    return openDispute(core, owner, core.state.charges.get(id, owner), (b.reason as string) ?? 'fraudulent', b.inquiry === true);
  });
  route('post', '/disputes/:id/close', (req) => {
    const outcome = body(req).outcome;
    if (outcome !== 'won' && outcome !== 'lost') throw new ControlError(400, 'outcome must be won or lost');
    const id = String(req.params.id);
    const owner = ownerOf(core.state.disputes, id, 'dispute');
    return closeDispute(core, owner, core.state.disputes.get(id, owner), outcome);
  });

  route('post', '/payouts/:id/paid', (req) => {
    const id = String(req.params.id);
    const owner = ownerOf(core.state.payouts, id, 'payout');
    return settlePayout(core, owner, core.state.payouts.get(id, owner), 'paid');
  });
  route('post', '/payouts/:id/failed', (req) => {
    const id = String(req.params.id);
    const owner = ownerOf(core.state.payouts, id, 'payout');
    return settlePayout(core, owner, core.state.payouts.get(id, owner), 'failed', (body(req).failure_code as string) ?? 'account_closed');
  });

  route('post', '/subscriptions/:id/fail_next_renewal', (req) => {
    const id = String(req.params.id);
    const times = Number(body(req).times ?? 1);
    if (!Number.isInteger(times) || times < 0) throw new ControlError(400, 'times must be a non-negative integer');
    return subscriptions.failNextRenewals(ownerOf(core.state.subscriptions, id, 'subscription'), id, times);
  });

  /** Moves the emulated clock to the subscription's period end (its renewal runs, webhooks delivered). */
  route('post', '/subscriptions/:id/advance_to_renewal', async (req) => {
    const id = String(req.params.id);
    const owner = ownerOf(core.state.subscriptions, id, 'subscription');
    const sub = core.state.subscriptions.get(id, owner);
    const at = sub.items.data[0].current_period_end;
    if (at > core.now()) await core.clock.setTime(at);
    await core.webhooks.drain();
    return core.state.subscriptions.get(id, owner);
  });

  route('post', '/balance/top_up', (req) => {
    const b = body(req);
    const amount = Number(b.amount);
    if (!Number.isSafeInteger(amount) || amount <= 0) throw new ControlError(400, 'amount must be a positive integer (minor units)');
    const owner = (b.account as string) ?? core.platformId;
    if (!core.state.accounts.find(owner, core.platformId)) throw new ControlError(404, `No such account: '${owner}'`);
    core.ledger.post({
      owner,
      amount,
      currency: ((b.currency as string) ?? 'usd').toLowerCase(),
      type: 'topup',
      reportingCategory: 'topup',
      source: null,
      description: 'Emulator top-up',
    });
    return core.ledger.balance(owner);
  });

  route('post', '/webhook_endpoints', (req) => {
    const b = body(req);
    const owner = (b.account as string) ?? core.platformId;
    return createWebhookEndpoint(core, owner, {
      url: String(b.url),
      connect: b.connect === true,
      enabledEvents: b.enabled_events as string[] | undefined,
      description: (b.description as string) ?? null,
      secret: typeof b.secret === 'string' && /^whsec_[A-Za-z0-9]{8,}$/.test(b.secret) ? b.secret : undefined,
    });
  });
  route('get', '/webhook_endpoints/:id/faults', (req) => ({ faults: core.webhooks.faults.list(String(req.params.id)) }));
  route('post', '/webhook_endpoints/:id/faults', (req) => {
    const id = String(req.params.id);
    ownerOf(core.state.webhookEndpoints, id, 'webhook endpoint');
    const fault = body(req) as unknown as WebhookFault;
    validateFault(fault);
    core.webhooks.faults.add(id, fault);
    return { faults: core.webhooks.faults.list(id) };
  });
  route('delete', '/webhook_endpoints/:id/faults', (req) => {
    core.webhooks.faults.clear(String(req.params.id));
    return { faults: [] };
  });
  route('post', '/webhook_endpoints/:id/flush', async (req) => {
    await core.webhooks.flushShuffle(String(req.params.id));
    return { ok: true };
  });
  route('get', '/webhooks/deliveries', (req) => ({
    deliveries: core.webhooks.list({
      endpointId: req.query.endpoint as string | undefined,
      eventId: req.query.event as string | undefined,
      eventType: req.query.type as string | undefined,
    }),
  }));
  route('post', '/webhooks/drain', async () => {
    await core.webhooks.drain();
    return { ok: true };
  });

  route('post', '/api_faults', (req) => {
    const b = body(req);
    const fault: ApiFault = {
      status: Number(b.status) as ApiFault['status'],
      count: b.count === undefined ? 1 : Number(b.count),
      method: b.method as string | undefined,
      pathPrefix: b.path_prefix as string | undefined,
      phase: (b.phase as ApiFault['phase']) ?? 'before',
    };
    api.faults.add(fault);
    return { ok: true };
  });
  route('delete', '/api_faults', () => {
    api.faults.clear();
    return { ok: true };
  });

  route('get', '/events', () => ({
    events: core.state.events.all().map((e: Stripe.Event) => ({ id: e.id, type: e.type, account: e.account ?? null })),
  }));
  return r;
}
