import { Metrics, onePerScrape } from '@fpms/common/metrics/metrics';

/** Stripe webhook intake and processing. The backlog gauges are read from the ledger when scraped. */
export function webhookMetrics(metrics: Metrics) {
  return {
    received: metrics.counter({
      name: 'fpms_webhooks_received_total',
      help: 'Stripe webhook deliveries by endpoint (platform, connect) and result (stored, duplicate, rejected: bad signature, store_failed: answered 503)',
      labelNames: ['source', 'result'] as const,
    }),
    processed: metrics.counter({
      name: 'fpms_webhooks_processed_total',
      help: 'Stored Stripe events processed, by outcome (processed, ignored, failed: retried later, skipped, errors: transaction lost)',
      labelNames: ['outcome'] as const,
    }),
  };
}

/** Gauges over the open (received or failed) rows of the webhook ledger. */
export function webhookBacklogMetrics(metrics: Metrics, read: () => Promise<{ open: number; oldestAgeSeconds: number }>) {
  const once = onePerScrape(read);
  metrics.gauge({
    name: 'fpms_webhook_backlog',
    help: 'Stripe events stored but not yet processed (received, or failed and waiting for a retry)',
    collect: async (gauge) => gauge.set((await once()).open),
  });
  metrics.gauge({
    name: 'fpms_webhook_processing_lag_seconds',
    help: 'Age of the oldest stored Stripe event not yet processed (0 when none): how far processing is behind intake',
    collect: async (gauge) => gauge.set((await once()).oldestAgeSeconds),
  });
}
