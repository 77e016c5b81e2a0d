import { randomUUID } from 'node:crypto';
import * as amqplib from 'amqplib';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { EventEnvelope } from '@fpms/contracts';
import {
  bearer,
  connectServiceDb,
  createWorkspace,
  eventually,
  inviteAndJoin,
  MutableClock,
  RunningPlatform,
  signUp,
  SignedUpUser,
  startPlatform,
} from '@fpms/harness';
import { DigestScheduler } from '../../apps/messaging/src/email/digest-scheduler';
import { EmailWorker } from '../../apps/messaging/src/email/email-worker';
import { SmtpSink } from './smtp-sink';

export interface Engagement {
  accountId: string;
  workspaceId: string;
  owner: SignedUpUser;
  collaborator: SignedUpUser;
  clientAdmin: SignedUpUser;
  clientViewer: SignedUpUser;
}

export interface NotificationWorld {
  platform: RunningPlatform;
  /** Messaging replicas, all on `clock` (the gateway and workspace keep real time, so tokens stay valid). */
  messaging: RunningPlatform[];
  clock: MutableClock;
  smtp: SmtpSink;
  /** Messaging's database, system role (to see what the consumer did). */
  db: DataSource;
  a: Engagement;
  b: Engagement;
  api: () => ReturnType<typeof request>;
  /** Publishes an event straight to messaging's queue, as its producer's relay would route it. */
  publish(envelope: EventEnvelope): Promise<void>;
  /** Resolves once messaging's consumer has committed the event. */
  processed(eventId: string): Promise<void>;
  runEmailWorker(replica?: number): Promise<unknown>;
  runDigest(replica?: number): Promise<unknown>;
  close(): Promise<void>;
}

async function engagement(gatewayUrl: string, name: string): Promise<Engagement> {
  const owner = await signUp(gatewayUrl, `${name} Owner`);
  const ws = await createWorkspace(gatewayUrl, owner, `${name} engagement`);
  const collaborator = await inviteAndJoin(gatewayUrl, owner, ws.id, 'collaborator');
  const clientAdmin = await inviteAndJoin(gatewayUrl, owner, ws.id, 'client_admin');
  const clientViewer = await inviteAndJoin(gatewayUrl, clientAdmin, ws.id, 'client_viewer');
  return { accountId: ws.accountId, workspaceId: ws.id, owner, collaborator, clientAdmin, clientViewer };
}

export async function startNotificationWorld(options: { start?: string; replicas?: number; env?: Record<string, string> } = {}) {
  const smtp = await SmtpSink.start();
  const env = { SMTP_URL: smtp.url, EMAIL_WORKER_INTERVAL_MS: '0', DIGEST_INTERVAL_MS: '0', EMAIL_RETRY_BASE_MS: '1000', ...options.env };
  const platform = await startPlatform({ services: ['gateway', 'workspace', 'messaging'], env: { messaging: env } });
  await platform.stop('messaging');
  const clock = new MutableClock(options.start ?? new Date());
  const messaging: RunningPlatform[] = [];
  for (let i = 0; i < (options.replicas ?? 1); i++) {
    messaging.push(await startPlatform({ services: ['messaging'], shareWith: platform, clock, env: { messaging: env } }));
  }
  const db = await connectServiceDb('messaging', 'system', platform.dbPrefix);
  const connection = await amqplib.connect(platform.amqpUrl);
  const channel = await connection.createConfirmChannel();
  const a = await engagement(platform.gatewayUrl, 'A');
  const b = await engagement(platform.gatewayUrl, 'B');
  // Both engagements' members (4 + owner) projected, and every user's address known.
  await eventually('membership projected', async () => {
    const [row] = await db.query(`select count(*)::int as n from thread_members where workspace_id = any($1) and removed_at is null`, [
      [a.workspaceId, b.workspaceId],
    ]);
    const [contacts] = await db.query(`select count(*)::int as n from notification_contacts`);
    return row.n === 8 && contacts.n >= 8;
  });

  // Signup mails each user a verification link (issue 18): sent and forgotten here, so the
  // suites count only the notification mail they cause.
  await eventually('signup verification mail queued', async () => {
    const [row] = await db.query(`select count(*)::int as n from email_outbox where template_id = 'security'`);
    return row.n >= 8;
  });
  await messaging[0].apps.messaging!.get(EmailWorker).runOnce();
  smtp.clear();

  const world: NotificationWorld = {
    platform,
    messaging,
    clock,
    smtp,
    db,
    a,
    b,
    api: () => request(platform.gatewayUrl),
    async publish(envelope) {
      channel.sendToQueue('messaging.events', Buffer.from(JSON.stringify(envelope)), {
        persistent: true,
        messageId: envelope.id,
        contentType: 'application/json',
      });
      await channel.waitForConfirms();
    },
    async processed(eventId) {
      await eventually(`messaging consumed ${eventId}`, async () => {
        const rows = await db.query(`select 1 from inbox_messages where message_id = $1`, [eventId]);
        return rows.length > 0;
      });
    },
    runEmailWorker: (replica = 0) => messaging[replica].apps.messaging!.get(EmailWorker).runOnce(),
    runDigest: (replica = 0) => messaging[replica].apps.messaging!.get(DigestScheduler).runOnce(),
    async close() {
      await channel.close().catch(() => undefined);
      await connection.close().catch(() => undefined);
      await db.destroy().catch(() => undefined);
      for (const m of messaging) await m.close();
      await platform.close();
      await smtp.close();
    },
  };
  return world;
}

/** The envelope of a `workspace.milestone.*` event about `milestoneId` in engagement `e`. */
export function milestoneEvent(
  e: Engagement,
  type: string,
  milestoneId: string,
  extra: { actorUserId?: string | null; title?: string; version?: number } = {},
): EventEnvelope {
  return {
    id: randomUUID(),
    type,
    tenant: { accountId: e.accountId, workspaceId: e.workspaceId },
    aggregateId: milestoneId,
    aggregateVersion: extra.version ?? 1,
    occurredAt: new Date().toISOString(),
    data: {
      milestoneId,
      workspaceId: e.workspaceId,
      accountId: e.accountId,
      title: extra.title ?? 'Landing page',
      amount: 120_000,
      currency: 'EUR',
      status: 'submitted',
      previousStatus: 'funded',
      actorUserId: extra.actorUserId === undefined ? e.owner.userId : extra.actorUserId,
      deliverableFileVersionId: null,
    },
  };
}

export async function notificationsOf(world: NotificationWorld, user: SignedUpUser, query = '') {
  const res = await world.api().get(`/api/v1/me/notifications${query}`).set(bearer(user.token));
  if (res.status !== 200) throw new Error(`list notifications: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as {
    items: { id: string; type: string; headline: string; readAt: string | null; subject: { id: string } }[];
    nextBefore: string | null;
    unreadCount: number;
  };
}
