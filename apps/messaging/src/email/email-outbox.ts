import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Metrics } from '@fpms/common/metrics/metrics';
import { Clock } from '@fpms/common/scheduling/clock';
import { EmailTemplateId } from './email-templates';
import { emailMetrics } from './email.metrics';

export interface EmailToEnqueue {
  /** The recipient: a user (their address resolved by the caller) or a bare address. */
  to: { address: string; userId?: string };
  templateId: EmailTemplateId;
  /** The template's data. With a coalesceKey, `items` arrays of merged emails concatenate. */
  data: Record<string, unknown> & { items?: unknown[] };
  /** Not before this time (the dedup window holds a burst's first email this long). */
  sendAfter?: Date;
  /** Emails with the same key merge while still pending. */
  coalesceKey?: string;
  /** Adds RFC 8058 unsubscribe headers for `to.userId` with this scope (a notification type or `all`). */
  unsubscribeScope?: string;
}

/**
 * The email outbox's internal API: the email is a row written in the caller's
 * transaction, so it exists if and only if what it tells about committed; EmailWorker
 * sends it later, from any replica.
 */
@Injectable()
export class EmailOutbox {
  private readonly metrics: ReturnType<typeof emailMetrics>;

  constructor(
    private readonly clock: Clock,
    metrics: Metrics,
  ) {
    this.metrics = emailMetrics(metrics);
  }

  /** Returns the id of the row the email went into (an existing one when it merged). */
  async enqueue(manager: EntityManager, email: EmailToEnqueue): Promise<string> {
    if (!manager.queryRunner?.isTransactionActive) throw new Error('EmailOutbox.enqueue must be called inside a transaction');
    const now = this.clock.now();
    const [row] = await manager.query(
      `insert into email_outbox (id, user_id, to_address, template_id, data, coalesce_key, unsubscribe_scope, send_after, created_at)
       values ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, $9)
       on conflict (coalesce_key) where status = 'pending'
       do update set data = jsonb_set(email_outbox.data, '{items}',
                                      coalesce(email_outbox.data->'items', '[]'::jsonb) || coalesce(excluded.data->'items', '[]'::jsonb))
       returning id`,
      [
        randomUUID(),
        email.to.userId ?? null,
        email.to.address,
        email.templateId,
        JSON.stringify(email.data),
        email.coalesceKey ?? null,
        email.unsubscribeScope ?? null,
        email.sendAfter ?? now,
        now,
      ],
    );
    // Counted in the caller's transaction: a rolled-back one leaves the count one high.
    this.metrics.queued.inc({ template: email.templateId });
    return row.id;
  }
}
