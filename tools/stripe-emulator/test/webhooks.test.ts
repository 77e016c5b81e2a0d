import Stripe from 'stripe';
import { startHarness, waitFor, WebhookReceiver, type Harness } from './helpers';

/** Each test gets its own endpoint and receiver; events come from creating customers (cheap, one event each). */
describe('stripe emulator: webhook delivery, retries and fault injection', () => {
  let h: Harness;
  const receivers: WebhookReceiver[] = [];

  beforeAll(async () => {
    h = await startHarness({ clock: { frozen: true }, webhooks: { timeoutMs: 300 } });
  });
  afterAll(async () => {
    await h.emulator.stop();
    for (const r of receivers) await r.stop();
  });

  async function endpoint(enabledEvents = ['customer.created']): Promise<{ receiver: WebhookReceiver; id: string; secret: string }> {
    const receiver = await new WebhookReceiver().start();
    receivers.push(receiver);
    const ep = await h.stripe.webhookEndpoints.create({
      url: receiver.url,
      enabled_events: enabledEvents as Stripe.WebhookEndpointCreateParams.EnabledEvent[],
    });
    expect(ep.secret).toMatch(/^whsec_/);
    receiver.secrets = [ep.secret!];
    // Other tests' endpoints stay registered: disable them so each test sees only its own traffic.
    for (const other of (await h.stripe.webhookEndpoints.list({ limit: 100 })).data) {
      if (other.id !== ep.id && other.status === 'enabled') await h.stripe.webhookEndpoints.update(other.id, { disabled: true });
    }
    return { receiver, id: ep.id, secret: ep.secret! };
  }

  const customers = async (n: number): Promise<string[]> => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) ids.push((await h.stripe.customers.create({ email: `c${i}@example.com` })).id);
    return ids;
  };
  const customerIdOf = (e: Stripe.Event) => (e.data.object as Stripe.Customer).id;

  it('signs like Stripe: constructEvent accepts it, a wrong secret or tampered body is rejected', async () => {
    const { receiver, secret } = await endpoint();
    const [id] = await customers(1);
    const got = await waitFor(() => receiver.received[0], 3000, 'delivery');
    expect(got.verified).toBe(true);
    expect(customerIdOf(got.event!)).toBe(id);
    const verifier = new Stripe('sk_test_x');
    expect(() => verifier.webhooks.constructEvent(got.rawBody, got.signature, 'whsec_wrong')).toThrow(
      Stripe.errors.StripeSignatureVerificationError,
    );
    expect(() => verifier.webhooks.constructEvent(got.rawBody.replace(id, 'cus_forged'), got.signature, secret)).toThrow(
      Stripe.errors.StripeSignatureVerificationError,
    );
    // The event is retrievable and says its delivery succeeded.
    await h.emulator.control.drainWebhooks();
    const ev = await h.stripe.events.retrieve(got.event!.id);
    expect(ev.pending_webhooks).toBe(0);
    const ok = await h.stripe.events.list({ delivery_success: true, type: 'customer.created' });
    expect(ok.data.map((e) => e.id)).toContain(ev.id);
  });

  it('retries non-2xx answers and timeouts with backoff on the emulated clock until delivered', async () => {
    const { receiver, id } = await endpoint();
    let calls = 0;
    receiver.respond = async () => {
      calls += 1;
      if (calls === 1) return 500;
      if (calls === 2) {
        await new Promise((r) => setTimeout(r, 600)); // longer than the 300 ms delivery timeout
        return 200;
      }
      return 200;
    };
    const [cus] = await customers(1);
    await waitFor(() => calls >= 1, 3000, 'first attempt');
    await h.emulator.control.drainWebhooks();
    let [d] = await h.emulator.control.deliveries({ endpoint: id });
    expect(d.state).toBe('pending');
    expect(d.attempts[0].status).toBe(500);
    const failedList = await h.stripe.events.list({ delivery_success: false });
    expect(failedList.data.map(customerIdOf)).toContain(cus);
    // First retry after 60 s: times out. Second after 120 s more: delivered.
    await h.emulator.control.advanceClock(60);
    [d] = await h.emulator.control.deliveries({ endpoint: id });
    expect(d.attempts[1].error).toMatch(/timed out/);
    await h.emulator.control.advanceClock(120);
    [d] = await h.emulator.control.deliveries({ endpoint: id });
    expect(d.state).toBe('succeeded');
    expect(d.attempts.map((a) => a.status)).toEqual([500, null, 200]);
    const ok = await h.stripe.events.list({ delivery_success: true, type: 'customer.created' });
    expect(ok.data.map(customerIdOf)).toContain(cus);
  });

  it('fault: duplicate delivers the same event several times, concurrently, each validly signed', async () => {
    const { receiver, id } = await endpoint();
    await h.emulator.control.addWebhookFault(id, { mode: 'duplicate', copies: 2, count: 1 });
    const [a, b] = await customers(2);
    await waitFor(() => receiver.received.length >= 4, 3000, 'four deliveries');
    await h.emulator.control.drainWebhooks();
    const ev = receiver.events();
    expect(ev.filter((e) => customerIdOf(e) === a)).toHaveLength(3);
    expect(new Set(ev.filter((e) => customerIdOf(e) === a).map((e) => e.id)).size).toBe(1);
    expect(ev.filter((e) => customerIdOf(e) === b)).toHaveLength(1);
    expect(receiver.received.every((r) => r.verified)).toBe(true);
  });

  it('fault: shuffle releases a window of deliveries out of order', async () => {
    const { receiver, id } = await endpoint();
    await h.emulator.control.addWebhookFault(id, { mode: 'shuffle', window: 5, seed: 7, count: 5 });
    const ids = await customers(5);
    await waitFor(() => receiver.received.length >= 5, 3000, 'five deliveries');
    const order = receiver.events().map(customerIdOf);
    expect([...order].sort()).toEqual([...ids].sort());
    expect(order).not.toEqual(ids);
  });

  it('fault: delay holds a delivery back on the emulated clock', async () => {
    const { receiver, id } = await endpoint();
    await h.emulator.control.addWebhookFault(id, { mode: 'delay', seconds: 600, count: 1 });
    const [late, onTime] = await customers(2);
    await waitFor(() => receiver.received.length >= 1, 3000, 'undelayed delivery');
    await h.emulator.control.drainWebhooks();
    expect(receiver.events().map(customerIdOf)).toEqual([onTime]);
    await h.emulator.control.advanceClock(600);
    expect(receiver.events().map(customerIdOf)).toEqual([onTime, late]);
  });

  it('fault: drop loses a delivery for good (delivery_success=false shows it) or, with retry, only one attempt', async () => {
    const { receiver, id } = await endpoint();
    await h.emulator.control.addWebhookFault(id, { mode: 'drop', count: 1 });
    const [lost] = await customers(1);
    await h.emulator.control.drainWebhooks();
    await h.emulator.control.advanceClock(3600);
    expect(receiver.received).toHaveLength(0);
    const [d] = await h.emulator.control.deliveries({ endpoint: id });
    expect(d.state).toBe('dropped');
    const missed = await h.stripe.events.list({ delivery_success: false, type: 'customer.created' });
    expect(missed.data.map(customerIdOf)).toContain(lost);

    await h.emulator.control.addWebhookFault(id, { mode: 'drop', retry: true, count: 1 });
    const [retried] = await customers(1);
    await h.emulator.control.drainWebhooks();
    expect(receiver.received).toHaveLength(0);
    await h.emulator.control.advanceClock(60);
    expect(receiver.events().map(customerIdOf)).toEqual([retried]);
  });

  it('fault: drop with a fraction loses exactly that share of the deliveries for good', async () => {
    const { receiver, id } = await endpoint();
    await h.emulator.control.addWebhookFault(id, { mode: 'drop', fraction: 0.2 });
    const made = await customers(10);
    await h.emulator.control.drainWebhooks();
    await h.emulator.control.advanceClock(3600);
    const deliveries = await h.emulator.control.deliveries({ endpoint: id });
    expect(deliveries.filter((d) => d.state === 'dropped')).toHaveLength(2);
    const arrived = receiver.events().map(customerIdOf);
    expect(arrived).toHaveLength(8);
    expect(made.filter((c) => !arrived.includes(c))).toHaveLength(2);
  });

  it('fault: corrupt_signature is rejected by constructEvent; Stripe retries with a good signature', async () => {
    const { receiver, id } = await endpoint();
    await h.emulator.control.addWebhookFault(id, { mode: 'corrupt_signature', count: 1 });
    const [cus] = await customers(1);
    await waitFor(() => receiver.received.length >= 1, 3000, 'corrupted delivery');
    expect(receiver.received[0].verified).toBe(false);
    expect(receiver.received[0].error).toMatch(/No signatures found matching the expected signature/);
    await h.emulator.control.drainWebhooks();
    await h.emulator.control.advanceClock(60);
    expect(receiver.received[1].verified).toBe(true);
    expect(customerIdOf(receiver.received[1].event!)).toBe(cus);
  });

  it('gives up after the retry schedule and reports the event as undelivered', async () => {
    const short = await startHarness({ clock: { frozen: true }, webhooks: { timeoutMs: 300, retryScheduleSeconds: [60, 120] } });
    try {
      const receiver = await new WebhookReceiver().start();
      receivers.push(receiver);
      receiver.respond = () => 503;
      const ep = await short.emulator.addWebhookEndpoint({ url: receiver.url, enabledEvents: ['customer.created'] });
      receiver.secrets = [ep.secret];
      await short.stripe.customers.create({ email: 'never@example.com' });
      await short.emulator.control.drainWebhooks();
      await short.emulator.control.advanceClock(3600);
      const [d] = await short.emulator.control.deliveries({ endpoint: ep.id });
      expect(d.state).toBe('failed');
      expect(d.attempts).toHaveLength(3);
      expect(receiver.received).toHaveLength(3);
      expect((await short.stripe.events.list({ delivery_success: false })).data).toHaveLength(1);
    } finally {
      await short.emulator.stop();
    }
  });
});
