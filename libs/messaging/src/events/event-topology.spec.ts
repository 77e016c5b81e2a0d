import { randomUUID } from 'node:crypto';
import { EVENT_TOPOLOGY } from '@fpms/contracts/events/event-topology';
import { parseEnvelope } from './event-consumer';
import {
  attemptsFromHeaders,
  consumerDeclarations,
  errorSummary,
  nextFailureStep,
  republishHeaders,
  resolveRetryPolicy,
  retryQueueCount,
  retryQueueName,
  deadLetterQueueName,
  topologyDeclarations,
} from './event-topology';
import { toEnvelope } from './outbox-writer';
import { backoffDelay, Waker } from './relay-support';

describe('retry policy', () => {
  it('defaults to one attempt more than there are delays', () => {
    const p = resolveRetryPolicy({});
    expect(p.maxAttempts).toBe(p.retryDelaysMs.length + 1);
    expect(retryQueueCount(p)).toBe(p.retryDelaysMs.length);
  });

  it('walks the delays in order and dead-letters on the last attempt', () => {
    const p = resolveRetryPolicy({ maxAttempts: 3, retryDelaysMs: [100, 200] });
    expect(nextFailureStep(p, 1)).toEqual({ kind: 'retry', queueIndex: 1, delayMs: 100 });
    expect(nextFailureStep(p, 2)).toEqual({ kind: 'retry', queueIndex: 2, delayMs: 200 });
    expect(nextFailureStep(p, 3)).toEqual({ kind: 'dead-letter' });
    expect(nextFailureStep(p, 7)).toEqual({ kind: 'dead-letter' });
  });

  it('repeats the last delay when attempts outnumber delays, without declaring extra queues', () => {
    const p = resolveRetryPolicy({ maxAttempts: 6, retryDelaysMs: [100, 200] });
    expect(retryQueueCount(p)).toBe(2);
    expect(nextFailureStep(p, 4)).toEqual({ kind: 'retry', queueIndex: 2, delayMs: 200 });
    expect(nextFailureStep(p, 5)).toEqual({ kind: 'retry', queueIndex: 2, delayMs: 200 });
    expect(nextFailureStep(p, 6)).toEqual({ kind: 'dead-letter' });
  });

  it('declares only the retry queues it can use when maxAttempts is small', () => {
    const p = resolveRetryPolicy({ maxAttempts: 2, retryDelaysMs: [100, 200, 300] });
    expect(retryQueueCount(p)).toBe(1);
    expect(nextFailureStep(p, 1)).toEqual({ kind: 'retry', queueIndex: 1, delayMs: 100 });
    expect(nextFailureStep(p, 2)).toEqual({ kind: 'dead-letter' });
  });

  it('allows no retries at all', () => {
    const p = resolveRetryPolicy({ maxAttempts: 1, retryDelaysMs: [] });
    expect(retryQueueCount(p)).toBe(0);
    expect(nextFailureStep(p, 1)).toEqual({ kind: 'dead-letter' });
  });

  it('rejects nonsense', () => {
    expect(() => resolveRetryPolicy({ maxAttempts: 0 })).toThrow();
    expect(() => resolveRetryPolicy({ maxAttempts: 2.5 })).toThrow();
    expect(() => resolveRetryPolicy({ maxAttempts: 3, retryDelaysMs: [] })).toThrow();
    expect(() => resolveRetryPolicy({ retryDelaysMs: [100, 0] })).toThrow();
    expect(() => resolveRetryPolicy({ retryDelaysMs: [1.5] })).toThrow();
  });

  it('names queues after the consumer queue', () => {
    expect(retryQueueName('billing.events', 2)).toBe('billing.events.retry.2');
    expect(deadLetterQueueName('billing.events')).toBe('billing.events.dlq');
  });
});

describe('headers', () => {
  it('reads the attempt count defensively', () => {
    expect(attemptsFromHeaders(undefined)).toBe(0);
    expect(attemptsFromHeaders({})).toBe(0);
    expect(attemptsFromHeaders({ 'x-attempt': 2 })).toBe(2);
    expect(attemptsFromHeaders({ 'x-attempt': '3' })).toBe(3);
    expect(attemptsFromHeaders({ 'x-attempt': Buffer.from('4') })).toBe(4);
    expect(attemptsFromHeaders({ 'x-attempt': -1 })).toBe(0);
    expect(attemptsFromHeaders({ 'x-attempt': 'lots' })).toBe(0);
    expect(attemptsFromHeaders({ 'x-attempt': 1.5 })).toBe(0);
  });

  it('drops broker death bookkeeping and overrides with new values', () => {
    const out = republishHeaders(
      { 'x-request-id': 'r1', 'x-attempt': 1, 'x-death': [{ count: 1 }], 'x-first-death-queue': 'q.retry.1' },
      { 'x-attempt': 2 },
    );
    expect(out).toEqual({ 'x-request-id': 'r1', 'x-attempt': 2 });
  });

  it('bounds error text', () => {
    expect(errorSummary(new TypeError('boom'))).toBe('TypeError: boom');
    expect(errorSummary('x'.repeat(5000), 100)).toHaveLength(100);
  });
});

describe('envelopes', () => {
  const accountId = randomUUID();

  it('fills id and occurredAt and validates', () => {
    const env = toEnvelope({
      type: 'billing.milestone.funded',
      tenant: { accountId },
      aggregateId: 'm1',
      aggregateVersion: 3,
      data: { amount: 5 },
    });
    expect(env.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number.isNaN(Date.parse(env.occurredAt))).toBe(false);
    expect(env.data).toEqual({ amount: 5 });
    expect(() => toEnvelope({ type: 'billing', tenant: { accountId }, aggregateId: 'm1', aggregateVersion: 1, data: null })).toThrow();
    expect(() =>
      toEnvelope({ type: 'billing.milestone.funded', tenant: { accountId }, aggregateId: 'm1', aggregateVersion: -1, data: null }),
    ).toThrow();
  });

  it('parses what the writer produces and explains what it rejects', () => {
    const env = toEnvelope({ type: 'billing.milestone.funded', tenant: { accountId }, aggregateId: 'm1', aggregateVersion: 0, data: [1] });
    expect(parseEnvelope(Buffer.from(JSON.stringify(env)))).toEqual({ ok: true, event: env });
    const garbage = parseEnvelope(Buffer.from('{oops'));
    expect(garbage.ok).toBe(false);
    expect(!garbage.ok && garbage.error).toMatch(/^invalid JSON/);
    const wrong = parseEnvelope(Buffer.from(JSON.stringify({ ...env, aggregateId: '' })));
    expect(!wrong.ok && wrong.error).toMatch(/aggregateId/);
  });
});

describe('relay helpers', () => {
  it('backs off exponentially up to a cap', () => {
    expect([1, 2, 3, 4, 10].map((n) => backoffDelay(n, 100, 500))).toEqual([100, 200, 400, 500, 500]);
  });

  it('remembers a wake that arrives while nobody sleeps', async () => {
    const w = new Waker();
    w.wake();
    const t0 = Date.now();
    await w.sleep(5000);
    expect(Date.now() - t0).toBeLessThan(100);
  });

  it('forgets wakes on clear(), and non-interruptible sleeps ignore wake() but not interrupt()', async () => {
    const w = new Waker();
    w.wake();
    w.clear();
    const sleeping = w.sleep(5000, false);
    w.wake();
    let done = false;
    void sleeping.then(() => (done = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(done).toBe(false);
    w.interrupt();
    await sleeping;
    expect(done).toBe(true);
  });
});

describe('topology declarations', () => {
  it('derive every queue, with its arguments, and every binding from the one definition', () => {
    const d = topologyDeclarations({
      exchange: 'ex',
      consumers: {
        a: { queue: 'a.events', bindings: ['x.*', 'y.#'], retryDelaysMs: [100, 200] },
        b: { queue: 'b.events', bindings: ['#'], retryDelaysMs: [] },
      },
    });
    expect(d.exchange).toBe('ex');
    expect(d.queues).toEqual([
      { queue: 'a.events' },
      {
        queue: 'a.events.retry.1',
        arguments: { 'x-message-ttl': 100, 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': 'a.events' },
      },
      {
        queue: 'a.events.retry.2',
        arguments: { 'x-message-ttl': 200, 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': 'a.events' },
      },
      { queue: 'a.events.dlq' },
      { queue: 'b.events' },
      { queue: 'b.events.dlq' },
    ]);
    expect(d.bindings).toEqual([
      { queue: 'a.events', pattern: 'x.*' },
      { queue: 'a.events', pattern: 'y.#' },
      { queue: 'b.events', pattern: '#' },
    ]);
  });

  it('give a consumer exactly its part of the whole topology', () => {
    const whole = topologyDeclarations(EVENT_TOPOLOGY);
    for (const def of Object.values(EVENT_TOPOLOGY.consumers)) {
      const part = consumerDeclarations(
        EVENT_TOPOLOGY.exchange,
        def.queue,
        def.bindings,
        resolveRetryPolicy({ retryDelaysMs: def.retryDelaysMs }),
      );
      expect(whole.queues).toEqual(expect.arrayContaining(part.queues));
      expect(whole.bindings).toEqual(expect.arrayContaining(part.bindings));
    }
  });
});
