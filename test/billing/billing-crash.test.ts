import { randomUUID } from 'node:crypto';
import request from 'supertest';
import Stripe from 'stripe';
import { DataSource } from 'typeorm';
import { BillingEvents, BillingPaymentsRpc, RpcContext } from '@fpms/contracts';
import { RpcClient } from '@fpms/messaging/rpc/rpc-client';
import { bearer, eventually, RunningPlatform, ServiceProcess, SignedUpUser, startServiceProcess } from '@fpms/harness';
import { BillingWorld, startBillingWorld } from './billing-world';

const ORDERS = 40;

/**
 * The billing service SIGKILLed while it processes a batch of Stripe webhooks, and Stripe
 * failing the release transfers for a while: after the restart and Stripe's retries every
 * order is right, and nothing — ledger entry, event, transfer — exists twice.
 */
describe('billing killed mid-batch, Stripe failing releases', () => {
  jest.setTimeout(300_000);
  let world: BillingWorld;
  let platform: RunningPlatform;
  let billing: ServiceProcess | undefined;
  let billingPort: number;
  let billingDb: DataSource;
  let stripe: Stripe;
  let rpc: RpcClient;
  let owner: SignedUpUser;
  let client: SignedUpUser;
  let workspaceId: string;
  const api = () => request(platform.gatewayUrl);
  const base = () => `/api/v1/workspaces/${workspaceId}/milestones`;
  const startBilling = async () => {
    billing = await startServiceProcess(
      platform,
      'billing',
      { RELEASE_RETRY_BASE_SECONDS: '1', RELEASE_POLL_MS: '200' },
      { port: billingPort },
    );
  };

  beforeAll(async () => {
    ({ platform, stripe, billingDb, rpc, owner, client, workspaceId } = world = await startBillingWorld({
      ownerName: 'Crash Freelancer',
      env: { workspace: { DELIVERABLE_PINNING: 'off' } },
    }));
    // From here on billing is a child process on the port Stripe's webhooks point at.
    billingPort = (platform.apps.billing!.getHttpServer().address() as { port: number }).port;
    await platform.stop('billing');
    await startBilling();
  });

  afterAll(async () => {
    await billing?.kill();
    await world?.close();
  });

  const ctx = (who: SignedUpUser): RpcContext => ({
    requestId: randomUUID(),
    userId: who.userId,
    accountId: who.accountId,
    workspaceId,
    token: who.token,
  });
  const count = async (sql: string, params: unknown[] = []) => (await billingDb.query(sql, params))[0].n as number;

  it('applies every paid checkout once across a SIGKILL, and releases once through 500s and 429s', async () => {
    const milestones: Array<{ id: string; amount: number }> = [];
    for (let i = 0; i < ORDERS; i += 1) {
      const created = await api()
        .post(base())
        .set(bearer(owner.token))
        .send({ title: `Crash ${i}`, amount: 2000 + i, currency: 'EUR' });
      await api().post(`${base()}/${created.body.id}/propose`).set(bearer(owner.token)).send({});
      await api().post(`${base()}/${created.body.id}/accept`).set(bearer(client.token)).send({});
      await rpc.call(BillingPaymentsRpc.fund, { workspaceId, milestoneId: created.body.id }, ctx(client));
      milestones.push({ id: created.body.id, amount: 2000 + i });
    }
    const sessions: Array<{ checkout_session_id: string }> = await billingDb.query(
      `select checkout_session_id from orders where workspace_id = $1`,
      [workspaceId],
    );
    const { emulator } = platform.stripe!;

    // Every client pays at once; billing is killed once some (not all) payments are applied.
    const paying = Promise.all(sessions.map((s) => emulator.control.completeCheckout(s.checkout_session_id, { outcome: 'success' })));
    const held = `select count(*)::int as n from orders where workspace_id = $1 and status = 'held'`;
    await eventually('the first payments applied', async () => (await count(held, [workspaceId])) >= 3, {
      timeoutMs: 60_000,
      intervalMs: 25,
    });
    await billing!.kill();
    billing = undefined;
    await paying;
    expect(await count(held, [workspaceId])).toBeLessThan(ORDERS);

    // Back up; Stripe retries what it could not deliver (the emulator's clock runs its retry schedule).
    await startBilling();
    await emulator.control.advanceClock(3 * 3600);
    await emulator.control.drainWebhooks();
    await eventually('every payment applied', async () => (await count(held, [workspaceId])) === ORDERS, { timeoutMs: 90_000 });
    expect(await count(`select count(*)::int as n from ledger_entries where kind = 'charge'`)).toBe(ORDERS);
    const funded = `select count(*)::int as n from outbox_messages where payload->>'type' = $1 and payload->'tenant'->>'workspaceId' = $2`;
    expect(await count(funded, [BillingEvents.milestoneFunded, workspaceId])).toBe(ORDERS);

    // Releases: Stripe answers the transfer calls with 500s (one after doing the work) and a 429 for a while.
    const released = milestones.slice(0, 10);
    for (const m of released)
      await eventually(
        `milestone ${m.id} funded`,
        async () => (await api().get(`${base()}/${m.id}`).set(bearer(owner.token))).body.status === 'funded',
      );
    await emulator.control.addApiFault({ status: 500, count: 4, method: 'POST', path_prefix: '/v1/transfers', phase: 'before' });
    await emulator.control.addApiFault({ status: 500, count: 2, method: 'POST', path_prefix: '/v1/transfers', phase: 'after' });
    await emulator.control.addApiFault({ status: 429, count: 3, method: 'POST', path_prefix: '/v1/transfers' });
    for (const m of released) {
      expect(
        (await api().post(`${base()}/${m.id}/submit`).set(bearer(owner.token)).send({ deliverableFileVersionId: randomUUID() })).status,
      ).toBe(200);
      expect((await api().post(`${base()}/${m.id}/approve`).set(bearer(client.token)).send({})).status).toBe(200);
    }
    await eventually(
      'every release made',
      async () => (await count(`select count(*)::int as n from orders where transfer_id is not null`)) === released.length,
      { timeoutMs: 60_000 },
    );
    for (const m of released) {
      const transfers = await stripe.transfers.list({ transfer_group: m.id });
      expect({ milestone: m.id, transfers: transfers.data.length }).toEqual({ milestone: m.id, transfers: 1 });
    }
    expect(await count(`select count(*)::int as n from ledger_entries where kind = 'transfer'`)).toBe(released.length);
    const releasedEvents = await count(funded, [BillingEvents.milestoneReleased, workspaceId]);
    expect(releasedEvents).toBe(released.length);
    await eventually('the workspace shows them released', async () => {
      const statuses = await Promise.all(
        released.map(async (m) => (await api().get(`${base()}/${m.id}`).set(bearer(owner.token))).body.status),
      );
      return statuses.every((s) => s === 'released');
    });
  });
});
