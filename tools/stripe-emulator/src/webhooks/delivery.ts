import http from 'http';
import https from 'https';
import type Stripe from 'stripe';
import type { Core } from '../core';
import { newId } from '../ids';
import { FaultRegistry, shuffledOrder } from './faults';
import { corruptSignatureHeader, signatureHeader } from './signature';

export interface DeliveryAttempt {
  /** Emulated unix seconds the attempt was made. */
  at: number;
  /** HTTP status the receiver answered, or null (timeout, connection error, dropped). */
  status: number | null;
  error: string | null;
  signatureCorrupted: boolean;
  /** True for an extra copy sent by the `duplicate` fault. */
  duplicate: boolean;
  dropped: boolean;
}

export interface Delivery {
  id: string;
  eventId: string;
  eventType: string;
  endpointId: string;
  url: string;
  state: 'pending' | 'succeeded' | 'failed' | 'dropped';
  attempts: DeliveryAttempt[];
  /** Emulated unix seconds of the next scheduled attempt, if any. */
  nextAttemptAt: number | null;
}

/**
 * Sends each event to every matching endpoint, signed like Stripe, and retries failed
 * deliveries (non-2xx, timeout, connection error) on the emulated clock with backoff.
 * Deliveries run concurrently and independently, so, as on Stripe, order is not
 * guaranteed; the fault registry can make that (and worse) explicit.
 */
export class WebhookDispatcher {
  readonly faults = new FaultRegistry();
  private deliveries: Delivery[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly shuffleBuffers = new Map<string, { deliveries: Delivery[]; seed: number; window: number; cancelFlush?: () => void }>();

  constructor(private readonly core: Core) {}

  list(filter: { endpointId?: string; eventId?: string; eventType?: string } = {}): Delivery[] {
    return this.deliveries.filter(
      (d) =>
        (!filter.endpointId || d.endpointId === filter.endpointId) &&
        (!filter.eventId || d.eventId === filter.eventId) &&
        (!filter.eventType || d.eventType === filter.eventType),
    );
  }

  /** Endpoints that receive `event`: the owner's own endpoints, plus the platform's Connect endpoints for connected-account events. */
  private endpointsFor(event: Stripe.Event, owner: string): Stripe.WebhookEndpoint[] {
    const { state, platformId } = this.core;
    const candidates = this.core.isPlatform(owner)
      ? state.webhookEndpoints.all(platformId).filter((e) => !state.webhookConnect.get(e.id))
      : [
          ...state.webhookEndpoints.all(platformId).filter((e) => state.webhookConnect.get(e.id)),
          ...state.webhookEndpoints.all(owner).filter((e) => !state.webhookConnect.get(e.id)),
        ];
    return candidates
      .filter((e) => e.status === 'enabled')
      .filter((e) => e.enabled_events.includes('*') || e.enabled_events.includes(event.type))
      .reverse();
  }

  enqueue(event: Stripe.Event, owner: string): void {
    for (const endpoint of this.endpointsFor(event, owner)) {
      const d: Delivery = {
        id: newId('whdel'),
        eventId: event.id,
        eventType: event.type,
        endpointId: endpoint.id,
        url: endpoint.url,
        state: 'pending',
        attempts: [],
        nextAttemptAt: null,
      };
      this.deliveries.push(d);
      this.dispatchFirst(d);
    }
    this.updatePending(event.id);
  }

  /** First attempt: where delay and shuffle faults intervene. */
  private dispatchFirst(d: Delivery): void {
    const delay = this.faults.take(d.endpointId, d.eventType, 'delay');
    if (delay) return this.scheduleAttempt(d, this.core.clock.nowMs() + delay.seconds * 1000);
    const shuffle = this.faults.take(d.endpointId, d.eventType, 'shuffle');
    if (shuffle) {
      const key = d.endpointId;
      const buf = this.shuffleBuffers.get(key) ?? { deliveries: [], seed: shuffle.seed ?? 1, window: shuffle.window ?? 5 };
      this.shuffleBuffers.set(key, buf);
      buf.deliveries.push(d);
      d.nextAttemptAt = null;
      if (buf.deliveries.length >= buf.window) {
        this.flushShuffle(key);
      } else if (!buf.cancelFlush) {
        const at = this.core.clock.nowMs() + (shuffle.flushAfterSeconds ?? 5) * 1000;
        buf.cancelFlush = this.core.clock.schedule(at, `webhook shuffle flush ${key}`, () => this.flushShuffle(key));
      }
      return;
    }
    this.scheduleAttempt(d, this.core.clock.nowMs());
  }

  /** Releases an endpoint's shuffle buffer; the shuffled deliveries go out one after the other. */
  flushShuffle(endpointId: string): Promise<void> {
    const buf = this.shuffleBuffers.get(endpointId);
    if (!buf || buf.deliveries.length === 0) return Promise.resolve();
    this.shuffleBuffers.delete(endpointId);
    buf.cancelFlush?.();
    const order = shuffledOrder(buf.deliveries.length, buf.seed);
    const batch = order.map((i) => buf.deliveries[i]);
    return this.track(
      (async () => {
        for (const d of batch) await this.attempt(d);
      })(),
    );
  }

  private scheduleAttempt(d: Delivery, atMs: number): void {
    d.nextAttemptAt = Math.floor(atMs / 1000);
    this.core.clock.schedule(atMs, `webhook ${d.eventType} -> ${d.endpointId}`, () => this.track(this.attempt(d)));
  }

  private track(p: Promise<void>): Promise<void> {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
    return p;
  }

  /** Resolves when no delivery is in flight or due now (future retries are not awaited). */
  async drain(): Promise<void> {
    for (let i = 0; i < 1000; i++) {
      await new Promise((r) => setImmediate(r));
      await this.core.clock.idle();
      if (this.inFlight.size === 0) {
        const dueNow = this.core.clock.pendingTasks().some((t) => t.at <= this.core.clock.nowMs() && t.label.startsWith('webhook '));
        if (!dueNow) return;
      }
      await Promise.allSettled([...this.inFlight]);
    }
  }

  private async attempt(d: Delivery): Promise<void> {
    if (d.state !== 'pending') return;
    d.nextAttemptAt = null;
    const event = this.core.state.events.findAny(d.eventId)?.obj;
    const endpoint = this.core.state.webhookEndpoints.findAny(d.endpointId)?.obj;
    const secret = this.core.state.webhookSecrets.get(d.endpointId);
    if (!event || !endpoint || !secret) {
      d.state = 'failed';
      this.updatePending(d.eventId);
      return;
    }
    const at = this.core.now();
    const drop = this.faults.take(d.endpointId, d.eventType, 'drop');
    if (drop) {
      d.attempts.push({
        at,
        status: null,
        error: 'dropped by fault injection',
        signatureCorrupted: false,
        duplicate: false,
        dropped: true,
      });
      if (drop.retry) return this.afterFailure(d);
      d.state = 'dropped';
      this.updatePending(d.eventId);
      return;
    }
    const payload = JSON.stringify(event, null, 2);
    const corrupt = this.faults.take(d.endpointId, d.eventType, 'corrupt_signature') !== null;
    const duplicate = d.attempts.length === 0 ? this.faults.take(d.endpointId, d.eventType, 'duplicate') : null;
    const send = async (isCopy: boolean) => {
      const header = corrupt ? corruptSignatureHeader(payload, secret) : signatureHeader(payload, secret);
      const result = await post(d.url, payload, header, this.core.options.webhookTimeoutMs);
      d.attempts.push({ at, ...result, signatureCorrupted: corrupt, duplicate: isCopy, dropped: false });
      return result.status !== null && result.status >= 200 && result.status < 300;
    };
    let ok: boolean;
    if (duplicate) {
      const copies = duplicate.copies ?? 1;
      if (duplicate.concurrent === false) {
        ok = await send(false);
        for (let i = 0; i < copies; i++) ok = (await send(true)) || ok;
      } else {
        const results = await Promise.all([send(false), ...Array.from({ length: copies }, () => send(true))]);
        ok = results.some(Boolean);
      }
    } else {
      ok = await send(false);
    }
    if (d.state !== 'pending') return;
    if (ok) {
      d.state = 'succeeded';
      this.updatePending(d.eventId);
    } else {
      this.afterFailure(d);
    }
  }

  private afterFailure(d: Delivery): void {
    const schedule = this.core.options.retryScheduleSeconds;
    const failures = d.attempts.filter((a) => !a.duplicate).length;
    if (failures > schedule.length) {
      d.state = 'failed';
      this.updatePending(d.eventId);
      return;
    }
    this.scheduleAttempt(d, this.core.clock.nowMs() + schedule[failures - 1] * 1000);
  }

  /** Keeps `event.pending_webhooks` equal to the number of deliveries still being attempted. */
  private updatePending(eventId: string): void {
    const event = this.core.state.events.findAny(eventId)?.obj;
    if (!event) return;
    event.pending_webhooks = this.deliveries.filter((d) => d.eventId === eventId && d.state === 'pending').length;
  }

  /** Stripe's `delivery_success`: true when every delivery of the event succeeded. */
  deliverySucceeded(eventId: string): boolean {
    return this.deliveries.filter((d) => d.eventId === eventId).every((d) => d.state === 'succeeded');
  }

  reset(): void {
    this.deliveries = [];
    this.faults.clear();
    for (const buf of this.shuffleBuffers.values()) buf.cancelFlush?.();
    this.shuffleBuffers.clear();
  }
}

/** One POST, bounded by a real-time timeout; fresh connection each time (no pooled sockets left behind). */
function post(url: string, body: string, signature: string, timeoutMs: number): Promise<{ status: number | null; error: string | null }> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: { status: number | null; error: string | null }) => {
      if (!settled) {
        settled = true;
        resolve(r);
      }
    };
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return done({ status: null, error: `invalid url ${url}` });
    }
    const lib = target.protocol === 'https:' ? https : http;
    const req = lib.request(
      target,
      {
        method: 'POST',
        agent: false,
        headers: {
          'Content-Type': 'application/json; charset=utf-8',
          'Content-Length': Buffer.byteLength(body),
          'Stripe-Signature': signature,
          'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
          'Cache-Control': 'no-cache',
          Accept: '*/*; q=0.5, application/xml',
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => done({ status: res.statusCode ?? null, error: null }));
        res.on('error', (e) => done({ status: res.statusCode ?? null, error: e.message }));
      },
    );
    req.setTimeout(timeoutMs, () => {
      req.destroy();
      done({ status: null, error: `timed out after ${timeoutMs} ms` });
    });
    req.on('error', (e) => done({ status: null, error: e.message }));
    req.end(body);
  });
}
