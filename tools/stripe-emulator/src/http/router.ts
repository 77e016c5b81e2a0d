import express, { type Request, type Response } from 'express';
import { API_VERSION, type Core } from '../core';
import { IdempotencyStore } from '../idempotency';
import { newId } from '../ids';
import { ApiFaults } from './api-faults';
import { invalidRequest, sendStripeError, StripeApiError } from './errors';
import { Expander } from './expand';
import { Params, parseForm, type FormObject } from './form';

export interface ApiRequest {
  method: 'GET' | 'POST' | 'DELETE';
  /** Route parameters (`:id`). */
  path: Record<string, string>;
  /** Decoded form body (POST) or query string (GET, DELETE). */
  params: Params;
  /** The account whose data the request acts on: the platform, or `Stripe-Account`. */
  owner: string;
  /** True when the request came with `Stripe-Account`. */
  connected: boolean;
  requestId: string;
  idempotencyKey: string | null;
  url: string;
}

export type Handler = (req: ApiRequest) => unknown;

export interface RouteOptions {
  /** Top-level parameters the endpoint knows; anything else is `parameter_unknown`. `expand` is always allowed. */
  allow?: readonly string[];
}

function rawBody(req: Request): string {
  return Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
}

function queryString(req: Request): string {
  const i = req.originalUrl.indexOf('?');
  return i < 0 ? '' : req.originalUrl.slice(i + 1);
}

function maskKey(key: string): string {
  return key.length > 8 ? `${key.slice(0, 8)}${'*'.repeat(Math.max(0, key.length - 12))}${key.slice(-4)}` : key;
}

/**
 * Stripe's request pipeline around each handler: API key auth, `Stripe-Account`
 * scoping, unknown-parameter rejection, idempotency replay, `expand[]`, and Stripe's
 * error body. Handlers are synchronous, so every API call is atomic.
 */
export class ApiRouter {
  readonly router = express.Router();
  readonly expander: Expander;
  readonly faults = new ApiFaults();

  constructor(private readonly core: Core) {
    this.expander = new Expander(core);
  }

  get(path: string, handler: Handler, options: RouteOptions = {}): void {
    this.router.get(path, (req, res) => this.handle('GET', req, res, handler, options));
  }

  post(path: string, handler: Handler, options: RouteOptions = {}): void {
    this.router.post(path, (req, res) => this.handle('POST', req, res, handler, options));
  }

  del(path: string, handler: Handler, options: RouteOptions = {}): void {
    this.router.delete(path, (req, res) => this.handle('DELETE', req, res, handler, options));
  }

  /** Checks the API key; answers 401 in Stripe's shape when missing or wrong. */
  authenticate(req: Request): StripeApiError | null {
    const header = req.get('authorization') ?? '';
    let key: string | null = null;
    const bearer = /^Bearer\s+(.+)$/i.exec(header);
    const basic = /^Basic\s+(.+)$/i.exec(header);
    if (bearer) key = bearer[1].trim();
    else if (basic) key = Buffer.from(basic[1], 'base64').toString('utf8').split(':')[0];
    if (!key) {
      return new StripeApiError(401, {
        type: 'invalid_request_error',
        message:
          "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
      });
    }
    if (!this.core.options.apiKeys.includes(key)) {
      return new StripeApiError(401, { type: 'invalid_request_error', message: `Invalid API Key provided: ${maskKey(key)}` });
    }
    return null;
  }

  private handle(method: ApiRequest['method'], req: Request, res: Response, handler: Handler, options: RouteOptions): void {
    const requestId = newId('req');
    res.setHeader('Request-Id', requestId);
    res.setHeader('Stripe-Version', req.get('stripe-version') ?? API_VERSION);
    const stripeAccount = req.get('stripe-account') || null;
    if (stripeAccount) res.setHeader('Stripe-Account', stripeAccount);

    const authError = this.authenticate(req);
    if (authError) return sendStripeError(res, authError);
    const path = req.baseUrl + req.path;
    const before = this.faults.take(method, path, 'before');
    if (before) {
      res.setHeader('Stripe-Should-Retry', before.status === 429 ? 'false' : 'true');
      return sendStripeError(res, before);
    }

    let raw: FormObject;
    try {
      raw = parseForm(method === 'POST' ? rawBody(req) : queryString(req));
    } catch {
      return sendStripeError(res, invalidRequest('Invalid request body.'));
    }

    const idempotencyKey = method === 'POST' ? (req.get('idempotency-key') ?? null) : null;
    if (idempotencyKey) res.setHeader('Idempotency-Key', idempotencyKey);
    const scope = stripeAccount ?? this.core.platformId;
    const fingerprint = IdempotencyStore.fingerprint(method, path, raw);
    if (idempotencyKey) {
      if (idempotencyKey.length > 255) {
        return sendStripeError(res, invalidRequest('Idempotency-Key must be at most 255 characters long.', { param: 'Idempotency-Key' }));
      }
      const found = this.core.idempotency.lookup(scope, idempotencyKey, fingerprint);
      if (found.kind === 'mismatch') {
        res.setHeader('Stripe-Should-Retry', 'false');
        return sendStripeError(
          res,
          new StripeApiError(400, {
            type: 'idempotency_error',
            message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
          }),
        );
      }
      if (found.kind === 'replay') {
        res.setHeader('Idempotent-Replayed', 'true');
        res.setHeader('Original-Request', found.requestId);
        res.status(found.status).type('application/json').send(found.body);
        return;
      }
    }

    const save = (status: number, body: string) => {
      if (idempotencyKey) this.core.idempotency.save(scope, idempotencyKey, fingerprint, status, body, requestId);
    };

    try {
      const owner = this.resolveOwner(stripeAccount);
      const params = new Params(raw);
      if (options.allow) params.allowOnly([...options.allow, 'expand']);
      const expand = params.strList('expand') ?? [];
      this.core.currentRequest = { id: requestId, idempotencyKey };
      let result: unknown;
      try {
        result = handler({
          method,
          path: req.params as Record<string, string>,
          params,
          owner,
          connected: !!stripeAccount,
          requestId,
          idempotencyKey,
          url: path,
        });
      } finally {
        this.core.currentRequest = null;
      }
      const body = JSON.stringify(this.expander.apply(JSON.parse(JSON.stringify(result)), expand), null, 2);
      save(200, body);
      const after = this.faults.take(method, path, 'after');
      if (after) return sendStripeError(res, after);
      res.status(200).type('application/json').send(body);
    } catch (err) {
      if (!(err instanceof StripeApiError)) throw err;
      if (err.persist) {
        const body = { ...err.body, request_log_url: `https://dashboard.stripe.com/test/logs/${requestId}` };
        save(err.status, JSON.stringify({ error: body }, null, 2));
      }
      sendStripeError(res, err);
    }
  }

  /** `Stripe-Account` must name one of the platform's connected accounts. */
  private resolveOwner(stripeAccount: string | null): string {
    if (!stripeAccount || stripeAccount === this.core.platformId) return this.core.platformId;
    const acct = this.core.state.accounts.find(stripeAccount, this.core.platformId);
    if (!acct) {
      throw new StripeApiError(403, {
        type: 'invalid_request_error',
        code: 'account_invalid',
        message: `The provided key does not have access to account '${stripeAccount}' (or that account does not exist). Application access may have been revoked.`,
      });
    }
    return stripeAccount;
  }
}
