import { randomUUID } from 'node:crypto';
import Stripe from 'stripe';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { serviceDatabaseName, serviceRoles } from '@fpms/database';
import { adminPgConfig, bearer, connectServiceDb, RunningPlatform, signUp, SignedUpUser, startPlatform } from '@fpms/harness';
import type { StripeEventContext, StripeEventHandler } from '../../apps/billing/src/webhooks/stripe-event-handler';

/** A type no feature handles but the probe does: events posted directly by this file. */
const PROBE_TYPE = 'fpms_test.probe';

/**
 * The test's own handler, registered next to the features' (startPlatform's
 * stripeEventHandlers). Every call writes an effect row in the processing transaction
 * first, so an attempt that does not commit must leave no effect behind.
 */
class ProbeHandler implements StripeEventHandler {
  readonly eventTypes = ['customer.created', PROBE_TYPE];
  readonly calls: string[] = [];
  /** Events whose handling throws (after writing its effect). */
  readonly failing = new Set<string>();
  /** Events whose next attempt stops after writing its effect until released. */
  readonly holds = new Map<string, { reached: (pid: number) => void; released: Promise<void> }>();

  async handle(event: Stripe.Event, { manager }: StripeEventContext): Promise<void> {
    this.calls.push(event.id);
    await manager.query(`insert into webhook_probe_effects (event_id) values ($1)`, [event.id]);
    if (this.failing.has(event.id)) throw new Error(`probe refuses ${event.id}`);
    const hold = this.holds.get(event.id);
    if (hold) {
      this.holds.delete(event.id);
      const [{ pid }] = await manager.query(`select pg_backend_pid() as pid`);
      hold.reached(pid);
      await hold.released;
      await manager.query(`select 1`);
    }
  }
}

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const CONNECT_SECRETS = { old: 'whsec_rotatingout0000000000000000', current: 'whsec_rotatingin00000000000000000' };

describe('Stripe webhook intake (billing)', () => {
  const probe = new ProbeHandler();
  let platform: RunningPlatform;
  let billing: ReturnType<typeof request>;
  let api: ReturnType<typeof request>;
  let db: DataSource;
  let stripe: Stripe;
  let platformSecret: string;

  beforeAll(async () => {
    platform = await startPlatform({
      services: ['gateway', 'workspace', 'billing'],
      stripeEventHandlers: [probe],
      env: {
        billing: {
          STRIPE_WEBHOOK_POLL_MS: '100',
          STRIPE_WEBHOOK_RETRY_BASE_MS: '300',
          STRIPE_WEBHOOK_RETRY_MAX_MS: '1000',
          // Mid-rotation on the Connect endpoint: both secrets are accepted (posted directly below).
          STRIPE_CONNECT_WEBHOOK_SECRETS: `${CONNECT_SECRETS.old}, ${CONNECT_SECRETS.current}`,
        },
      },
    });
    const port = (platform.apps.billing!.getHttpServer().address() as { port: number }).port;
    billing = request(`http://127.0.0.1:${port}`);
    api = request(platform.gatewayUrl);
    platformSecret = platform.stripe!.webhookSecrets.platform;
    stripe = new Stripe(platform.stripe!.emulator.apiKey, platform.stripe!.emulator.stripeConfig);
    // The probe's effect table, in this platform's billing database, writable by the system role only.
    const owner = new DataSource({
      type: 'postgres',
      ...adminPgConfig(),
      username: adminPgConfig().user,
      database: serviceDatabaseName('billing', platform.dbPrefix),
    });
    await owner.initialize();
    await owner.query(`create table webhook_probe_effects (id bigint generated always as identity primary key, event_id text not null)`);
    await owner.query(`grant select, insert on webhook_probe_effects to ${serviceRoles('billing').system}`);
    await owner.destroy();
    db = await connectServiceDb('billing', 'system', platform.dbPrefix);
  });

  afterAll(async () => {
    await db?.destroy();
    await platform?.close();
  });

  const eventRow = async (id: string) =>
    (
      (await db.query(
        `select id, source, type, status, attempts, last_error, next_attempt_at, processed_at from stripe_webhook_events where id = $1`,
        [id],
      )) as Array<{
        id: string;
        source: string;
        type: string;
        status: string;
        attempts: number;
        last_error: string | null;
        next_attempt_at: Date | null;
      }>
    )[0];
  const rowsFor = async (id: string): Promise<number> =>
    Number((await db.query(`select count(*)::int as n from stripe_webhook_events where id = $1`, [id]))[0].n);
  const effectsFor = async (id: string): Promise<number> =>
    Number((await db.query(`select count(*)::int as n from webhook_probe_effects where event_id = $1`, [id]))[0].n);
  const eventForObject = async (objectId: string) =>
    (await db.query(`select id, status from stripe_webhook_events where payload->'data'->'object'->>'id' = $1`, [objectId])) as Array<{
      id: string;
      status: string;
    }>;

  function probeEvent(overrides: Record<string, unknown> = {}) {
    return {
      id: `evt_test_${randomUUID().replace(/-/g, '')}`,
      object: 'event',
      api_version: '2026-10-28.endive',
      created: Math.floor(Date.now() / 1000),
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type: PROBE_TYPE,
      data: { object: { id: `obj_${randomUUID().slice(0, 8)}`, object: 'probe' } },
      ...overrides,
    };
  }

  /** Posts like Stripe: the exact bytes, signed with `secret` at `timestamp` (seconds). */
  function post(path: string, payload: string, options: { secret?: string; timestamp?: number; header?: string | null } = {}) {
    const header =
      options.header === undefined
        ? stripe.webhooks.generateTestHeaderString({ payload, secret: options.secret ?? platformSecret, timestamp: options.timestamp })
        : options.header;
    const req = billing.post(path).set('Content-Type', 'application/json; charset=utf-8');
    return (header === null ? req : req.set('Stripe-Signature', header)).send(payload);
  }

  it('stores an event the emulator delivers (a customer created with the SDK) once, and processes it', async () => {
    const customer = await stripe.customers.create({ email: 'intake@example.test' });
    const [row] = await waitFor(
      () => eventForObject(customer.id),
      (rows) => rows[0]?.status === 'processed',
      'customer.created to be processed',
    );
    expect(await eventRow(row.id)).toMatchObject({ source: 'platform', type: 'customer.created', status: 'processed', attempts: 1 });
    expect(await effectsFor(row.id)).toBe(1);
    const deliveries = await platform.stripe!.emulator.control.deliveries({ event: row.id });
    expect(deliveries.flatMap((d) => d.attempts.map((a) => a.status))).toEqual([200]);
  });

  it('stores one row when Stripe delivers the same event several times at once, and applies it once', async () => {
    const endpoint = platform.stripe!.webhookEndpoints.platform;
    await platform.stripe!.emulator.control.addWebhookFault(endpoint, {
      mode: 'duplicate',
      copies: 5,
      concurrent: true,
      count: 1,
      eventTypes: ['customer.created'],
    });
    const customer = await stripe.customers.create({ email: 'duplicates@example.test' });
    const [row] = await waitFor(
      () => eventForObject(customer.id),
      (rows) => rows[0]?.status === 'processed',
      'the duplicated event to be processed',
    );
    await platform.stripe!.emulator.control.drainWebhooks();
    const attempts = (await platform.stripe!.emulator.control.deliveries({ event: row.id })).flatMap((d) => d.attempts);
    expect(attempts).toHaveLength(6);
    expect(attempts.filter((a) => a.duplicate)).toHaveLength(5);
    // Every copy was acknowledged (a duplicate answers 2xx too), one row, one effect.
    expect(attempts.every((a) => a.status === 200)).toBe(true);
    expect(await rowsFor(row.id)).toBe(1);
    expect(await effectsFor(row.id)).toBe(1);
    await platform.stripe!.emulator.control.clearWebhookFaults(endpoint);
  });

  it('answers duplicates posted in parallel with 2xx and keeps one row', async () => {
    const event = probeEvent();
    const payload = JSON.stringify(event);
    const answers = await Promise.all(Array.from({ length: 10 }, () => post('/webhooks/stripe', payload)));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    expect(answers.filter((a) => a.body.duplicate === false)).toHaveLength(1);
    await waitFor(
      () => eventRow(event.id),
      (r) => r?.status === 'processed',
      'the probe event to be processed',
    );
    expect(await rowsFor(event.id)).toBe(1);
    expect(await effectsFor(event.id)).toBe(1);
  });

  it('refuses bad signatures, stale timestamps, unknown secrets, missing headers and bodies that are no event with 400, storing nothing', async () => {
    const now = Math.floor(Date.now() / 1000);
    const cases: Array<{ name: string; send: () => request.Test; code: string; eventId?: string }> = [];
    const signedWrong = probeEvent();
    cases.push({
      name: 'signature over other bytes',
      eventId: signedWrong.id,
      send: () =>
        post('/webhooks/stripe', JSON.stringify(signedWrong), {
          header: stripe.webhooks.generateTestHeaderString({
            payload: JSON.stringify({ ...signedWrong, livemode: true }),
            secret: platformSecret,
          }),
        }),
      code: 'webhook_signature_invalid',
    });
    const stale = probeEvent();
    cases.push({
      name: 'timestamp older than the tolerance',
      eventId: stale.id,
      send: () => post('/webhooks/stripe', JSON.stringify(stale), { timestamp: now - 301 }),
      code: 'webhook_timestamp_outside_tolerance',
    });
    const unknown = probeEvent();
    cases.push({
      name: 'a secret this endpoint does not have',
      eventId: unknown.id,
      send: () => post('/webhooks/stripe', JSON.stringify(unknown), { secret: 'whsec_notoursnotoursnotours00000000' }),
      code: 'webhook_signature_invalid',
    });
    const connectSecretOnPlatform = probeEvent();
    cases.push({
      name: "the Connect endpoint's secret on the platform endpoint",
      eventId: connectSecretOnPlatform.id,
      send: () => post('/webhooks/stripe', JSON.stringify(connectSecretOnPlatform), { secret: CONNECT_SECRETS.current }),
      code: 'webhook_signature_invalid',
    });
    const unsigned = probeEvent();
    cases.push({
      name: 'no Stripe-Signature header',
      eventId: unsigned.id,
      send: () => post('/webhooks/stripe', JSON.stringify(unsigned), { header: null }),
      code: 'webhook_signature_missing',
    });
    const garbled = probeEvent();
    cases.push({
      name: 'a header that is not t=…,v1=…',
      eventId: garbled.id,
      send: () => post('/webhooks/stripe', JSON.stringify(garbled), { header: 'garbage' }),
      code: 'webhook_signature_invalid',
    });
    cases.push({
      name: 'a body that is not JSON (signed correctly)',
      send: () => post('/webhooks/stripe', '{"id":"evt_broken",'),
      code: 'invalid_json',
    });
    cases.push({
      name: 'JSON that is not an event (signed correctly)',
      send: () => post('/webhooks/stripe', JSON.stringify({ id: 'evt_not_an_event', object: 'charge' })),
      code: 'webhook_event_invalid',
      eventId: 'evt_not_an_event',
    });
    const before = Number((await db.query(`select count(*)::int as n from stripe_webhook_events`))[0].n);
    const outcomes: string[] = [];
    for (const c of cases) {
      const res = await c.send();
      outcomes.push(`${c.name} → ${res.status} ${res.body?.error?.code}`);
      // The standard error body.
      expect(Object.keys(res.body.error ?? {}).sort()).toEqual(['code', 'details', 'message', 'requestId']);
      expect(res.body.error.requestId).toEqual(expect.any(String));
      if (c.eventId) expect(await rowsFor(c.eventId)).toBe(0);
    }
    expect(outcomes).toEqual(cases.map((c) => `${c.name} → 400 ${c.code}`));
    expect(Number((await db.query(`select count(*)::int as n from stripe_webhook_events`))[0].n)).toBe(before);
  });

  it('accepts either secret of a rotation on the Connect endpoint, and records the connected account', async () => {
    const signedOld = probeEvent({ account: 'acct_1RotationOld000000' });
    const signedNew = probeEvent({ account: 'acct_1RotationNew000000' });
    expect((await post('/webhooks/stripe/connect', JSON.stringify(signedOld), { secret: CONNECT_SECRETS.old })).status).toBe(200);
    expect((await post('/webhooks/stripe/connect', JSON.stringify(signedNew), { secret: CONNECT_SECRETS.current })).status).toBe(200);
    const rows = await db.query(
      `select id, source, stripe_account_id from stripe_webhook_events where id = any($1) order by stripe_account_id desc`,
      [[signedOld.id, signedNew.id]],
    );
    expect(rows).toEqual([
      { id: signedOld.id, source: 'connect', stripe_account_id: 'acct_1RotationOld000000' },
      { id: signedNew.id, source: 'connect', stripe_account_id: 'acct_1RotationNew000000' },
    ]);
    // The platform endpoint's secret is not one of the Connect endpoint's.
    const crossed = await post('/webhooks/stripe/connect', JSON.stringify(probeEvent()), { secret: platformSecret });
    expect(crossed.status).toBe(400);
  });

  it('stores an event no feature handles and marks it ignored', async () => {
    const event = probeEvent({ type: 'radar.early_fraud_warning.created' });
    expect((await post('/webhooks/stripe', JSON.stringify(event))).status).toBe(200);
    const row = await waitFor(
      () => eventRow(event.id),
      (r) => r?.status === 'ignored',
      'the unknown type to be ignored',
    );
    expect(row).toMatchObject({ attempts: 1, last_error: null, next_attempt_at: null });
    expect(probe.calls).not.toContain(event.id);
  });

  describe('a handler that throws', () => {
    let admin: SignedUpUser;
    let adminToken: string;
    let tenant: SignedUpUser;

    beforeAll(async () => {
      admin = await signUp(platform.gatewayUrl, 'Billing Admin');
      const gatewayDb = await connectServiceDb('gateway', 'system', platform.dbPrefix);
      await gatewayDb.query(`update users set is_platform_admin = true where id = $1`, [admin.userId]);
      await gatewayDb.destroy();
      adminToken = (await api.post('/api/v1/auth/login').send({ email: admin.email, password: admin.password })).body.accessToken;
      tenant = await signUp(platform.gatewayUrl, 'Not An Admin');
    });

    const reason = 'Incident 42: webhook processing failures';
    const listFailed = (token: string, headers: Record<string, string> = { 'X-Admin-Override-Reason': reason }) =>
      api.get('/api/v1/admin/billing/webhook-events?status=failed&limit=50').set(bearer(token)).set(headers);

    it('leaves the event failed with its attempts and next attempt, visible to platform admins, and processes it once it stops throwing', async () => {
      const event = probeEvent();
      probe.failing.add(event.id);
      expect((await post('/webhooks/stripe', JSON.stringify(event))).status).toBe(200);
      const failed = await waitFor(
        () => eventRow(event.id),
        (r) => r?.status === 'failed',
        'the event to fail',
      );
      expect(failed.attempts).toBeGreaterThanOrEqual(1);
      expect(failed.last_error).toBe(`Error: probe refuses ${event.id}`);
      expect(new Date(failed.next_attempt_at!).getTime()).toBeGreaterThan(Date.now() - 1000);
      // Retried when due, and still failing: attempts go up, nothing the handler wrote stayed.
      await waitFor(
        () => eventRow(event.id),
        (r) => r.attempts >= 2,
        'a retry',
      );
      expect(await effectsFor(event.id)).toBe(0);

      const listed = await listFailed(adminToken).set('X-Request-Id', 'webhook-admin-read-1');
      expect(listed.status).toBe(200);
      const item = listed.body.items.find((e: { id: string }) => e.id === event.id);
      expect(item).toMatchObject({ source: 'platform', type: PROBE_TYPE, status: 'failed', lastError: `Error: probe refuses ${event.id}` });
      expect(item.attempts).toBeGreaterThanOrEqual(2);
      expect(item).not.toHaveProperty('payload');
      const [audit] = await db.query(
        `select admin_user_id, reason, action, filter, resource_ids, request_id from billing_admin_audit where id = $1`,
        [listed.body.auditId],
      );
      expect(audit).toMatchObject({
        admin_user_id: admin.userId,
        reason,
        action: 'billing.webhook_events.list',
        filter: { status: 'failed', limit: 50 },
        request_id: 'webhook-admin-read-1',
      });
      expect(audit.resource_ids).toContain(event.id);

      probe.failing.delete(event.id);
      const done = await waitFor(
        () => eventRow(event.id),
        (r) => r.status === 'processed',
        'the event to be processed',
      );
      expect(done).toMatchObject({ last_error: null, next_attempt_at: null });
      expect(await effectsFor(event.id)).toBe(1);
      const after = await listFailed(adminToken);
      expect(after.body.items.map((e: { id: string }) => e.id)).not.toContain(event.id);
    });

    it('shows failed events to platform admins only, and only with a stated reason', async () => {
      const audits = async () => Number((await db.query(`select count(*)::int as n from billing_admin_audit`))[0].n);
      const before = await audits();
      const notAdmin = await listFailed(tenant.token);
      expect([notAdmin.status, notAdmin.body.error.code]).toEqual([403, 'not_platform_admin']);
      const noReason = await listFailed(adminToken, {});
      expect([noReason.status, noReason.body.error.code]).toEqual([403, 'admin_override_required']);
      const badStatus = await api
        .get('/api/v1/admin/billing/webhook-events?status=lost')
        .set(bearer(adminToken))
        .set('X-Admin-Override-Reason', reason);
      expect([badStatus.status, badStatus.body.error.code]).toEqual([400, 'validation_failed']);
      expect(await audits()).toBe(before);
    });
  });

  it('commits a handler’s writes and the processed mark together: a transaction killed mid-way leaves nothing, and the retry applies once', async () => {
    const event = probeEvent();
    let reached!: (pid: number) => void;
    let release!: () => void;
    const pid = new Promise<number>((resolve) => (reached = resolve));
    probe.holds.set(event.id, { reached, released: new Promise<void>((resolve) => (release = resolve)) });
    expect((await post('/webhooks/stripe', JSON.stringify(event))).status).toBe(200);
    // The handler wrote its effect and waits; the processing transaction is open. Kill its backend.
    const backend = await pid;
    await db.query(`select pg_terminate_backend($1)`, [backend]);
    release();
    expect((await eventRow(event.id)).status).not.toBe('processed');
    const done = await waitFor(
      () => eventRow(event.id),
      (r) => r.status === 'processed',
      'the retry after the kill',
    );
    expect(done.attempts).toBe(2);
    expect(await effectsFor(event.id)).toBe(1);
  });
});
