import { Metrics } from '@fpms/common/metrics/metrics';

/** The email outbox: emails queued, what each delivery attempt ended in, and what waits. */
export function emailMetrics(metrics: Metrics) {
  return {
    queued: metrics.counter({
      name: 'fpms_emails_queued_total',
      help: 'Emails written to the email outbox, by template (merges into a pending email included)',
      labelNames: ['template'] as const,
    }),
    delivered: metrics.counter({
      name: 'fpms_emails_sent_total',
      help: 'Email delivery attempts by result (sent: accepted by SMTP, retried, failed: given up)',
      labelNames: ['result'] as const,
    }),
  };
}

/** Emails not yet sent (pending or being sent), read from the outbox when scraped. */
export function emailBacklogMetrics(metrics: Metrics, read: () => Promise<number>) {
  metrics.gauge({
    name: 'fpms_email_outbox_pending',
    help: 'Emails queued and not yet sent or given up',
    collect: async (gauge) => gauge.set(await read()),
  });
}
