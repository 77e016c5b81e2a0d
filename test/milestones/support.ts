import { randomUUID } from 'node:crypto';
import * as amqplib from 'amqplib';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { BillingEvents, EventEnvelope, MilestonesRpc, MilestoneMoneyState, PlanId } from '@fpms/contracts';
import { AppError } from '@fpms/common/errors/app-error';
import { RpcClient } from '@fpms/messaging/rpc/rpc-client';
import {
  bearer,
  connectServiceDb,
  createWorkspace,
  inviteAndJoin,
  RunningPlatform,
  signUp,
  SignedUpUser,
  startPlatform,
  grantPlan,
} from '@fpms/harness';

/**
 * Publishes billing events exactly as billing's outbox relay will: a valid envelope on the
 * durable `fpms.events` topic exchange of the platform's vhost, persistent, on a confirm
 * channel, with messageId = the event id.
 */
export class BillingPublisher {
  private constructor(
    private readonly connection: amqplib.ChannelModel,
    private readonly channel: amqplib.ConfirmChannel,
  ) {}

  static async connect(amqpUrl: string): Promise<BillingPublisher> {
    const connection = await amqplib.connect(amqpUrl);
    const channel = await connection.createConfirmChannel();
    await channel.assertExchange('fpms.events', 'topic', { durable: true });
    return new BillingPublisher(connection, channel);
  }

  /**
   * Builds and publishes one billing milestone event; returns the envelope (to re-publish
   * as a duplicate). `money` (the order's state after the fact) defaults to what the event
   * type means for an order that was never released (defaultMoney); pass it for anything else.
   */
  async milestone(
    type: (typeof BillingEvents)[keyof typeof BillingEvents],
    m: { id: string; workspaceId: string; accountId: string; amount: number; currency: string },
    version: number,
    extra: Record<string, unknown> & { money?: Partial<MilestoneMoneyState> } = {},
  ): Promise<EventEnvelope> {
    const envelope = billingEvent(type, m, version, extra);
    await this.publish(envelope);
    return envelope;
  }

  async publish(envelope: EventEnvelope): Promise<void> {
    this.channel.publish('fpms.events', envelope.type, Buffer.from(JSON.stringify(envelope)), {
      persistent: true,
      messageId: envelope.id,
      contentType: 'application/json',
    });
    await this.channel.waitForConfirms();
  }

  async close(): Promise<void> {
    await this.channel.close().catch(() => undefined);
    await this.connection.close().catch(() => undefined);
  }
}

/** The money state a billing event type means for an order of `amount` that was never released. */
export function defaultMoney(type: string, amount: number, currency: string, extra: Record<string, unknown> = {}): MilestoneMoneyState {
  const none = { currency, charged: 0, released: 0, platformFee: 0, refunded: 0, disputed: 0 };
  const held = { ...none, status: 'held' as const, charged: amount };
  switch (type) {
    case BillingEvents.milestonePaymentFailed:
      return { ...none, status: 'payment_failed' };
    case BillingEvents.milestoneFunded:
      return held;
    case BillingEvents.milestoneReleased:
      return { ...held, status: 'released', released: amount, platformFee: Math.floor(amount / 10) };
    case BillingEvents.milestoneRefunded:
      return { ...held, status: 'refunded', refunded: amount };
    case BillingEvents.milestoneDisputed:
      return { ...held, disputed: amount };
    default:
      return extra.outcome === 'lost' ? { ...held, status: 'refunded', refunded: amount } : held;
  }
}

/** A billing milestone event as billing's outbox will publish it (see libs/contracts billing.events.ts). */
export function billingEvent(
  type: (typeof BillingEvents)[keyof typeof BillingEvents],
  m: { id: string; workspaceId: string; accountId: string; amount: number; currency: string },
  version: number,
  extra: Record<string, unknown> & { money?: Partial<MilestoneMoneyState> } = {},
): EventEnvelope {
  const { money: moneyOverride, ...rest } = extra;
  const state = { ...defaultMoney(type, m.amount, m.currency, rest), ...moneyOverride };
  const base = { milestoneId: m.id, workspaceId: m.workspaceId, orderId: `ord_${m.id.slice(0, 8)}`, money: state };
  const money = { amount: m.amount, currency: m.currency };
  const data: Record<string, unknown> =
    type === BillingEvents.milestonePaymentFailed
      ? { ...base, failureCode: 'card_declined' }
      : type === BillingEvents.milestoneFunded
        ? { ...base, ...money, chargeId: `ch_${version}` }
        : type === BillingEvents.milestoneReleased
          ? { ...base, ...money, transferId: `tr_${version}`, platformFee: Math.floor(m.amount / 10) }
          : type === BillingEvents.milestoneRefunded
            ? { ...base, ...money, refundId: `re_${version}`, afterRelease: false }
            : type === BillingEvents.milestoneDisputed
              ? { ...base, ...money, disputeId: 'dp_1', reason: 'fraudulent' }
              : { ...base, ...money, disputeId: 'dp_1', outcome: 'won' };
  return {
    id: randomUUID(),
    type,
    tenant: { accountId: m.accountId, workspaceId: m.workspaceId },
    aggregateId: m.id,
    aggregateVersion: version,
    occurredAt: new Date().toISOString(),
    data: { ...data, ...rest },
  };
}

/**
 * One account's rows of a dashboards snapshot: the run's template database may hold rows
 * other test files wrote into it directly (no dashboards), which a rebuild would count.
 */
export function accountRows(snapshot: Record<string, unknown[]>, accountId: string): Record<string, unknown[]> {
  return Object.fromEntries(
    Object.entries(snapshot).map(([table, rows]) => [table, rows.filter((r) => (r as { account_id: string }).account_id === accountId)]),
  );
}

/** Waits until the workspace service's inbox has taken (committed) these event ids. */
export async function waitForInbox(system: DataSource, ids: string[], timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [{ n }] = await system.query(`select count(*)::int as n from inbox_messages where message_id = any($1::uuid[])`, [ids]);
    if (n === new Set(ids).size) return;
    if (Date.now() > deadline) throw new Error(`inbox has ${n}/${ids.length} of the events after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface Engagement {
  workspaceId: string;
  accountId: string;
  freelancer: SignedUpUser;
  collaborator: SignedUpUser;
  client: SignedUpUser;
  viewer: SignedUpUser;
}

/**
 * A freelancer's workspace with a collaborator, a client admin and a client viewer. On
 * `plan` (default enterprise: milestone suites propose more than the free plan allows;
 * null leaves the account on the free plan, for suites that publish entitlements themselves).
 */
export async function engagement(platform: RunningPlatform, options: { plan?: PlanId | null } = {}): Promise<Engagement> {
  const freelancer = await signUp(platform.gatewayUrl, 'Freelancer');
  const plan = options.plan === undefined ? 'enterprise' : options.plan;
  const projecting = (['workspace', 'files', 'messaging'] as const).filter((s) => platform.apps[s]);
  if (plan) await grantPlan(platform, freelancer.accountId, plan, projecting);
  const ws = await createWorkspace(platform.gatewayUrl, freelancer, 'Website redesign');
  const collaborator = await inviteAndJoin(platform.gatewayUrl, freelancer, ws.id, 'collaborator');
  const client = await inviteAndJoin(platform.gatewayUrl, freelancer, ws.id, 'client_admin');
  const viewer = await inviteAndJoin(platform.gatewayUrl, client, ws.id, 'client_viewer');
  return { workspaceId: ws.id, accountId: ws.accountId, freelancer, collaborator, client, viewer };
}

/**
 * `fund` in worlds that run no billing service: the test plays billing's part and asks the
 * workspace service to start funding with the member's token, exactly as billing does when
 * the client funds (POST …/fund goes to billing, which opens the Checkout). Answers like an
 * HTTP response, so suites read `status` and `body` either way.
 */
async function startFundingAsBilling(platform: RunningPlatform, e: Engagement, who: SignedUpUser, id: string) {
  const rpc = new RpcClient({ url: platform.amqpUrl });
  try {
    const ctx = { requestId: randomUUID(), userId: who.userId, accountId: who.accountId, workspaceId: e.workspaceId, token: who.token };
    const body = await rpc.call(MilestonesRpc.startFunding, { workspaceId: e.workspaceId, milestoneId: id }, ctx);
    return { status: 200, body };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return { status: error.status, body: { error: { code: error.code, message: error.message, details: error.details } } };
  } finally {
    await rpc.close();
  }
}

/** A thin HTTP client over the gateway for milestone tests. */
export function milestoneApi(platform: RunningPlatform, e: Engagement) {
  const api = () => request(platform.gatewayUrl);
  const base = `/api/v1/workspaces/${e.workspaceId}/milestones`;
  return {
    create: (who: SignedUpUser, body: object) => api().post(base).set(bearer(who.token)).send(body),
    get: (who: SignedUpUser, id: string) => api().get(`${base}/${id}`).set(bearer(who.token)),
    list: (who: SignedUpUser, query = '') => api().get(`${base}${query}`).set(bearer(who.token)),
    patch: (who: SignedUpUser, id: string, body: object) => api().patch(`${base}/${id}`).set(bearer(who.token)).send(body),
    act: (who: SignedUpUser, id: string, route: string, body: object = {}) =>
      route === 'fund' && !platform.apps.billing
        ? startFundingAsBilling(platform, e, who, id)
        : api().post(`${base}/${id}/${route}`).set(bearer(who.token)).send(body),
    dashboard: (who: SignedUpUser) => api().get(`/api/v1/workspaces/${e.workspaceId}/dashboard`).set(bearer(who.token)),
    accountDashboard: (who: SignedUpUser, accountId = e.accountId) =>
      api().get(`/api/v1/accounts/${accountId}/dashboard`).set(bearer(who.token)),
    activity: (who: SignedUpUser) => api().get(`/api/v1/workspaces/${e.workspaceId}/activity?limit=200`).set(bearer(who.token)),
  };
}

/** Drives a fresh milestone to `funded` through the API and a billing event. */
export async function fundedMilestone(
  platform: RunningPlatform,
  e: Engagement,
  billing: BillingPublisher,
  system: DataSource,
  body: object = { title: 'Design', amount: 150_000, currency: 'EUR' },
): Promise<{ id: string; amount: number; currency: string; workspaceId: string; accountId: string }> {
  const ms = milestoneApi(platform, e);
  const created = await ms.create(e.freelancer, body);
  if (created.status !== 201) throw new Error(`create failed: ${created.status} ${JSON.stringify(created.body)}`);
  const id = created.body.id;
  for (const [who, route] of [
    [e.freelancer, 'propose'],
    [e.client, 'accept'],
    [e.client, 'fund'],
  ] as const) {
    const res = await ms.act(who, id, route);
    if (res.status !== 200) throw new Error(`${route} failed: ${res.status} ${JSON.stringify(res.body)}`);
  }
  const m = { id, amount: created.body.amount, currency: created.body.currency, workspaceId: e.workspaceId, accountId: e.accountId };
  const funded = await billing.milestone(BillingEvents.milestoneFunded, m, 1);
  await waitForInbox(system, [funded.id]);
  return m;
}

/**
 * The workspace service as these tests run it: no timer loop (tests poll with a moved
 * clock) and no files service, so deliverable ids are stored unchecked. Pinning through
 * the files service is covered by deliverable-pinning.e2e.test.ts.
 */
export const MILESTONE_ONLY_WORKSPACE_ENV = { REVIEW_TIMER_POLL_MS: '0', DELIVERABLE_PINNING: 'off' };

export const systemDb = (platform: RunningPlatform) => connectServiceDb('workspace', 'system', platform.dbPrefix);
export const FILE_VERSION = () => randomUUID();

/** What every milestone suite starts with: the platform, a billing publisher, the workspace DB and an engagement. */
export interface MilestoneWorld {
  platform: RunningPlatform;
  billing: BillingPublisher;
  system: DataSource;
  e: Engagement;
  ms: ReturnType<typeof milestoneApi>;
  close(): Promise<void>;
}

export async function startMilestoneWorld(clock?: { now(): Date }): Promise<MilestoneWorld> {
  const platform = await startPlatform({ services: ['gateway', 'workspace'], clock, env: { workspace: MILESTONE_ONLY_WORKSPACE_ENV } });
  const billing = await BillingPublisher.connect(platform.amqpUrl);
  const system = await systemDb(platform);
  const e = await engagement(platform);
  return {
    platform,
    billing,
    system,
    e,
    ms: milestoneApi(platform, e),
    async close() {
      await billing.close();
      await system.destroy();
      await platform.close();
    },
  };
}
