import { Metrics } from '@fpms/common/metrics/metrics';
import { LAG_BUCKETS_SECONDS, onePerScrape } from '@fpms/common/metrics/metrics';

/** The outbox relay: what it published, and what waits (read from the outbox when scraped). */
export function outboxMetrics(metrics: Metrics, backlog: () => Promise<{ rows: number; oldestAgeSeconds: number }>) {
  // Both gauges come from one query per scrape.
  const read = onePerScrape(backlog);
  return {
    published: metrics.counter({ name: 'fpms_outbox_published_total', help: 'Outbox events published to the broker and marked sent' }),
    failedBatches: metrics.counter({
      name: 'fpms_outbox_failed_batches_total',
      help: 'Outbox batches rolled back (broker or database failure); their rows are published again',
    }),
    unroutable: metrics.counter({
      name: 'fpms_outbox_unroutable_total',
      help: 'Outbox events the broker returned because no queue is bound for their routing key (kept unsent)',
    }),
    backlog: metrics.gauge({
      name: 'fpms_outbox_backlog',
      help: 'Outbox rows committed but not yet published',
      collect: async (gauge) => gauge.set((await read()).rows),
    }),
    oldestAge: metrics.gauge({
      name: 'fpms_outbox_oldest_unsent_age_seconds',
      help: 'Age of the oldest unpublished outbox row (0 when none)',
      collect: async (gauge) => gauge.set((await read()).oldestAgeSeconds),
    }),
  };
}

/** An event consumer: outcomes per message, lag, retries, dead letters and queue depths. */
export function consumerMetrics(metrics: Metrics, depths: () => Promise<{ queue: number; dlq: number }>, queue: string) {
  const read = onePerScrape(depths);
  return {
    handled: metrics.counter({
      name: 'fpms_events_consumed_total',
      help: 'Event deliveries by queue, type and outcome (applied, duplicate, retried, dead_lettered, requeued)',
      labelNames: ['queue', 'type', 'outcome'] as const,
    }),
    lag: metrics.histogram({
      name: 'fpms_event_consumer_lag_seconds',
      help: 'Time from an event occurring to its consumer committing it',
      labelNames: ['queue'] as const,
      buckets: LAG_BUCKETS_SECONDS,
    }),
    retries: metrics.counter({
      name: 'fpms_event_retries_total',
      help: 'Failed handler attempts sent to a delay queue for another try',
      labelNames: ['queue'] as const,
    }),
    deadLettered: metrics.counter({
      name: 'fpms_event_dead_lettered_total',
      help: 'Messages moved to the DLQ, by reason (invalid-envelope, invalid-payload, max-attempts, permanent-error)',
      labelNames: ['queue', 'reason'] as const,
    }),
    queueDepth: metrics.gauge({
      name: 'fpms_event_queue_depth',
      help: 'Messages ready in the consumer queue (its backlog), read from the broker when scraped',
      labelNames: ['queue'] as const,
      collect: async (gauge) => gauge.set({ queue }, (await read()).queue),
    }),
    dlqDepth: metrics.gauge({
      name: 'fpms_dlq_depth',
      help: "Messages in the consumer queue's DLQ (should be 0; replay with npm run dlq:replay)",
      labelNames: ['queue'] as const,
      collect: async (gauge) => gauge.set({ queue }, (await read()).dlq),
    }),
  };
}
