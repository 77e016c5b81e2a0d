import type Stripe from 'stripe';
import { API_VERSION, type Core } from '../core';
import { invalidParam } from '../http/errors';
import { mergeMetadata, type Params } from '../http/form';
import { paginate } from '../http/list';
import type { ApiRouter } from '../http/router';
import { newId } from '../ids';

export interface WebhookEndpointInput {
  /** Test control only (Stripe always generates it): the signing secret to use, so a receiver can be configured before the endpoint exists. */
  secret?: string;
  url: string;
  enabledEvents?: string[];
  connect?: boolean;
  description?: string | null;
  metadata?: Record<string, string>;
}

function validUrl(url: string): void {
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error();
  } catch {
    throw invalidParam('url', `Invalid URL: ${url}`, 'url_invalid');
  }
}

/** Creates an endpoint and its signing secret; the secret is returned only at creation, as on Stripe. */
export function createWebhookEndpoint(core: Core, owner: string, input: WebhookEndpointInput): Stripe.WebhookEndpoint {
  validUrl(input.url);
  const endpoint: Stripe.WebhookEndpoint = {
    id: newId('we'),
    object: 'webhook_endpoint',
    api_version: API_VERSION,
    application: null,
    created: core.now(),
    description: input.description ?? null,
    enabled_events: input.enabledEvents && input.enabledEvents.length > 0 ? input.enabledEvents : ['*'],
    livemode: false,
    metadata: input.metadata ?? {},
    status: 'enabled',
    url: input.url,
  };
  const secret = input.secret ?? newId('whsec');
  core.state.webhookEndpoints.insert(owner, endpoint);
  core.state.webhookSecrets.set(endpoint.id, secret);
  core.state.webhookConnect.set(endpoint.id, input.connect ?? false);
  return { ...endpoint, secret };
}

function inputOf(p: Params): WebhookEndpointInput {
  return {
    url: p.reqStr('url'),
    enabledEvents: p.strList('enabled_events'),
    connect: p.bool('connect'),
    description: p.str('description'),
    metadata: p.metadata(),
  };
}

export function registerWebhookEndpoints(api: ApiRouter, core: Core): void {
  const { state } = core;
  api.post(
    '/webhook_endpoints',
    (req) => {
      if (!req.params.has('enabled_events'))
        throw invalidParam('enabled_events', 'Missing required param: enabled_events.', 'parameter_missing');
      return createWebhookEndpoint(core, req.owner, inputOf(req.params));
    },
    { allow: ['url', 'enabled_events', 'connect', 'description', 'metadata', 'api_version'] },
  );
  api.get('/webhook_endpoints/:id', (req) => state.webhookEndpoints.get(req.path.id, req.owner));
  api.get('/webhook_endpoints', (req) => paginate(state.webhookEndpoints.all(req.owner), req.params, '/v1/webhook_endpoints'));
  api.post(
    '/webhook_endpoints/:id',
    (req) => {
      const e = state.webhookEndpoints.get(req.path.id, req.owner);
      const p = req.params;
      if (p.has('url')) {
        validUrl(p.reqStr('url'));
        e.url = p.reqStr('url');
      }
      if (p.has('enabled_events')) e.enabled_events = p.strList('enabled_events') ?? e.enabled_events;
      if (p.has('description')) e.description = p.nullableStr('description') ?? null;
      if (p.has('metadata')) e.metadata = mergeMetadata(e.metadata, p.metadata());
      if (p.has('disabled')) e.status = p.bool('disabled') ? 'disabled' : 'enabled';
      return e;
    },
    { allow: ['url', 'enabled_events', 'description', 'metadata', 'disabled'] },
  );
  api.del('/webhook_endpoints/:id', (req) => {
    const e = state.webhookEndpoints.get(req.path.id, req.owner);
    state.webhookEndpoints.delete(e.id);
    const deleted: Stripe.DeletedWebhookEndpoint = { id: e.id, object: 'webhook_endpoint', deleted: true };
    return deleted;
  });
}
