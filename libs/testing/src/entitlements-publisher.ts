import { randomUUID } from 'node:crypto';
import * as amqplib from 'amqplib';
import { eventually } from './eventually';
import { connectServiceDb } from './service-db';
import {
  AccountStanding,
  BillingAccountEvents,
  EntitlementsChangedData,
  EventEnvelope,
  PLAN_FEATURE_SETS,
  PLAN_LIMITS,
  PLATFORM_FEE_BPS,
  PlanId,
} from '@fpms/contracts';

/** A `billing.entitlements.changed` envelope for `plan` at `version`, as billing's outbox will publish it. */
export function entitlementsEvent(
  accountId: string,
  version: number,
  e: { plan: PlanId; standing?: AccountStanding; pastDueSince?: string | null; locksAt?: string | null },
): EventEnvelope<EntitlementsChangedData> {
  const standing = e.standing ?? 'active';
  const pastDueSince = e.pastDueSince ?? (standing === 'active' ? null : new Date(Date.now() - 8 * 86_400_000).toISOString());
  return {
    id: randomUUID(),
    type: BillingAccountEvents.entitlementsChanged,
    tenant: { accountId },
    aggregateId: accountId,
    aggregateVersion: version,
    occurredAt: new Date().toISOString(),
    data: {
      accountId,
      plan: e.plan,
      standing,
      limits: { ...PLAN_LIMITS[e.plan] },
      features: [...PLAN_FEATURE_SETS[e.plan]],
      platformFeeBps: PLATFORM_FEE_BPS[e.plan],
      pastDueSince,
      locksAt: e.locksAt ?? (standing === 'past_due' ? new Date(Date.now() + 86_400_000).toISOString() : null),
    },
  };
}

/**
 * Stands in for billing (which publishes entitlements from its subscriptions): publishes
 * `billing.entitlements.changed` on the platform's `fpms.events` exchange exactly as an
 * outbox relay does (persistent, confirmed, messageId = event id).
 */
export class EntitlementsPublisher {
  private readonly versions = new Map<string, number>();

  private constructor(
    private readonly connection: amqplib.ChannelModel,
    private readonly channel: amqplib.ConfirmChannel,
  ) {}

  static async connect(amqpUrl: string): Promise<EntitlementsPublisher> {
    const connection = await amqplib.connect(amqpUrl);
    const channel = await connection.createConfirmChannel();
    await channel.assertExchange('fpms.events', 'topic', { durable: true });
    return new EntitlementsPublisher(connection, channel);
  }

  /** Publishes the account's next version (one more than the last this publisher sent it, from 1). */
  async next(accountId: string, e: Parameters<typeof entitlementsEvent>[2]): Promise<EventEnvelope<EntitlementsChangedData>> {
    const version = (this.versions.get(accountId) ?? 0) + 1;
    this.versions.set(accountId, version);
    const envelope = entitlementsEvent(accountId, version, e);
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

/**
 * Puts `accountId` on `plan` for suites whose worlds need more than the free plan allows
 * (a big team, many proposals, a custom board): publishes the entitlements and waits until
 * each of `services` has projected them.
 */
export async function grantPlan(
  platform: { amqpUrl: string; dbPrefix: string },
  accountId: string,
  plan: PlanId,
  services: ReadonlyArray<'workspace' | 'files' | 'messaging'> = ['workspace', 'files'],
): Promise<void> {
  const publisher = await EntitlementsPublisher.connect(platform.amqpUrl);
  // Above any version a suite's own publisher starts from, and increasing across calls.
  const version = Date.now();
  try {
    await publisher.publish(entitlementsEvent(accountId, version, { plan }));
  } finally {
    await publisher.close();
  }
  for (const service of services) {
    const db = await connectServiceDb(service, 'system', platform.dbPrefix);
    try {
      await eventually(`${plan} entitlements in ${service}`, async () => {
        const [row] = await db.query(`select version from account_entitlements where account_id = $1`, [accountId]);
        return row && Number(row.version) >= version;
      });
    } finally {
      await db.destroy();
    }
  }
}
