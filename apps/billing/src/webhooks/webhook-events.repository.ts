import { Injectable } from '@nestjs/common';
import type Stripe from 'stripe';
import type { DataSource } from 'typeorm';
import type { WebhookEventView } from '@fpms/contracts/rpc/billing-webhooks.rpc';
import type { WebhookEventStatus } from '@fpms/contracts/requests/billing-webhooks.requests';
import type { SystemManager } from '@fpms/database/tenant-manager';
import { writeQuery } from '@fpms/database/write-query';
import type { WebhookSource } from './stripe-event-handler';
import type { ReceivedStripeEvent } from './stripe-event-shape';

/** An open event as the processor locks it. */
export interface DueWebhookEvent {
  id: string;
  source: WebhookSource;
  type: string;
  attempts: number;
  payload: Stripe.Event;
}

interface WebhookEventRow {
  id: string;
  source: WebhookSource;
  type: string;
  stripe_account_id: string | null;
  stripe_created_at: Date;
  livemode: boolean;
  status: WebhookEventStatus;
  attempts: number;
  last_error: string | null;
  next_attempt_at: Date | null;
  received_at: Date;
  processed_at: Date | null;
}

const OPEN = `status in ('received', 'failed')`;
const iso = (value: Date | null) => (value ? new Date(value).toISOString() : null);

/**
 * `stripe_webhook_events`, the webhook ledger. Cross-tenant by nature (an event arrives
 * before anyone knows whose it is), so every method takes the system pool's manager.
 */
@Injectable()
export class CrossTenantWebhookEventsRepository {
  /**
   * Stores a verified event once; false when Stripe's id is already there (a redelivery).
   * One autocommit statement on the system DataSource (it is its own transaction): the
   * request path saves the BEGIN and COMMIT round trips a SystemManager would cost, and the
   * row is durable when this resolves.
   */
  async insertReceived(system: DataSource, event: ReceivedStripeEvent, now: Date): Promise<boolean> {
    const { affected } = await writeQuery(
      system,
      `insert into stripe_webhook_events
              (id, source, type, stripe_account_id, stripe_created_at, livemode, payload, status, next_attempt_at, received_at)
       values ($1, $2, $3, $4, $5, $6, $7, 'received', $8, $8)
       on conflict (id) do nothing`,
      [
        event.id,
        event.source,
        event.type,
        event.stripeAccountId,
        event.stripeCreatedAt,
        event.livemode,
        JSON.stringify(event.payload),
        now,
      ],
    );
    return affected === 1;
  }

  /** Ids of open events due by `now`, oldest due first. Not locked: each is locked by the transaction that processes it. */
  /** Open rows and the age of the oldest (the processing lag), for the metrics. */
  async backlog(system: DataSource, now: Date): Promise<{ open: number; oldestAgeSeconds: number }> {
    const [row] = (await system.query(
      `select count(*)::int as open, coalesce(extract(epoch from $1::timestamptz - min(received_at)), 0)::float8 as age
       from stripe_webhook_events where ${OPEN}`,
      [now],
    )) as Array<{ open: number; age: number }>;
    return { open: row?.open ?? 0, oldestAgeSeconds: Math.max(0, row?.age ?? 0) };
  }

  async dueIds(manager: SystemManager, now: Date, limit: number): Promise<string[]> {
    const rows: Array<{ id: string }> = await manager.query(
      `select id from stripe_webhook_events where ${OPEN} and next_attempt_at <= $1 order by next_attempt_at, id limit $2`,
      [now, limit],
    );
    return rows.map((r) => r.id);
  }

  /**
   * Locks one event for the rest of the caller's transaction if it is still open and due;
   * null when it is done, not due, or locked by another worker or replica (SKIP LOCKED).
   * The lock is the claim: if the process dies, the transaction ends and the row is open again.
   */
  async lockDue(manager: SystemManager, id: string, now: Date): Promise<DueWebhookEvent | null> {
    const rows: DueWebhookEvent[] = await manager.query(
      `select id, source, type, attempts, payload from stripe_webhook_events
        where id = $1 and ${OPEN} and next_attempt_at <= $2
        for update skip locked`,
      [id, now],
    );
    return rows[0] ?? null;
  }

  async markDone(manager: SystemManager, id: string, status: 'processed' | 'ignored', now: Date): Promise<void> {
    await writeQuery(
      manager,
      `update stripe_webhook_events set status = $2, processed_at = $3, next_attempt_at = null, last_error = null,
              attempts = attempts + 1 where id = $1`,
      [id, status, now],
    );
  }

  /** Records a failed attempt on the row the caller holds locked. */
  async markFailed(manager: SystemManager, id: string, failure: { lastError: string; nextAttemptAt: Date }): Promise<void> {
    await writeQuery(
      manager,
      `update stripe_webhook_events set status = 'failed', attempts = attempts + 1, last_error = $2, next_attempt_at = $3 where id = $1`,
      [id, failure.lastError, failure.nextAttemptAt],
    );
  }

  /**
   * Records a failed attempt whose own transaction was lost (connection killed, COMMIT
   * refused): only if the event is still open and nobody holds it meanwhile.
   */
  async markFailedIfFree(manager: SystemManager, id: string, failure: { lastError: string; backoff: (attempts: number) => Date }) {
    const [row]: Array<{ attempts: number }> = await manager.query(
      `select attempts from stripe_webhook_events where id = $1 and ${OPEN} for update skip locked`,
      [id],
    );
    if (row) await this.markFailed(manager, id, { lastError: failure.lastError, nextAttemptAt: failure.backoff(row.attempts + 1) });
  }

  /** The admin list: one status, newest first. The payload stays out (it holds customers' details). */
  async listByStatus(manager: SystemManager, status: WebhookEventStatus, limit: number): Promise<WebhookEventView[]> {
    const rows: WebhookEventRow[] = await manager.query(
      `select id, source, type, stripe_account_id, stripe_created_at, livemode, status, attempts, last_error,
              next_attempt_at, received_at, processed_at
         from stripe_webhook_events where status = $1 order by received_at desc, id desc limit $2`,
      [status, limit],
    );
    return rows.map((r) => ({
      id: r.id,
      source: r.source,
      type: r.type,
      stripeAccountId: r.stripe_account_id,
      livemode: r.livemode,
      stripeCreatedAt: iso(r.stripe_created_at)!,
      status: r.status,
      attempts: r.attempts,
      lastError: r.last_error,
      nextAttemptAt: iso(r.next_attempt_at),
      receivedAt: iso(r.received_at)!,
      processedAt: iso(r.processed_at),
    }));
  }
}
