import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { signUnsubscribeToken } from '@fpms/contracts';
import { Metrics } from '@fpms/common/metrics/metrics';
import { Clock } from '@fpms/common/scheduling/clock';
import { ScheduledJob } from '@fpms/common/scheduling/scheduled-job';
import { SYSTEM_DATA_SOURCE } from '@fpms/database/database.module';
import { systemTransaction } from '@fpms/database/tenant-manager';
import { MESSAGING_ENV, MessagingEnv } from '../config';
import { EmailOutboxRepository, ClaimedEmail } from './email-outbox.repository';
import { renderEmail } from './email-templates';
import { emailBacklogMetrics, emailMetrics } from './email.metrics';
import { isPermanentSmtpFailure, SmtpTransport } from './smtp-transport';

const LEASE_MS = 120_000;
const BATCH = 20;

export interface EmailRound {
  sent: number;
  retried: number;
  failed: number;
}

/**
 * Sends the email outbox. Every replica runs it: a lease taken under SKIP LOCKED gives
 * each email to one worker; it is marked sent after the SMTP server accepted it. A crash
 * between the two resends it once the lease lapses (SMTP has no idempotency; the fixed
 * Message-ID lets receivers drop the copy).
 */
@Injectable()
export class EmailWorker extends ScheduledJob<EmailRound> implements OnApplicationShutdown {
  private readonly logger = new Logger(EmailWorker.name);
  private readonly metrics: ReturnType<typeof emailMetrics>;

  constructor(
    @InjectDataSource(SYSTEM_DATA_SOURCE) private readonly system: DataSource,
    private readonly repo: EmailOutboxRepository,
    private readonly smtp: SmtpTransport,
    private readonly clock: Clock,
    @Inject(MESSAGING_ENV) private readonly env: MessagingEnv,
    metrics: Metrics,
  ) {
    super('email-worker', env.EMAIL_WORKER_INTERVAL_MS);
    this.metrics = emailMetrics(metrics);
    emailBacklogMetrics(metrics, () => this.repo.pendingCount(this.system));
  }

  override async onApplicationShutdown(): Promise<void> {
    await super.onApplicationShutdown();
    this.smtp.close();
  }

  protected async round(): Promise<EmailRound> {
    const result: EmailRound = { sent: 0, retried: 0, failed: 0 };
    for (;;) {
      const claimed = await systemTransaction(this.system, (m) => this.repo.claimDue(m, this.clock.now(), LEASE_MS, BATCH));
      if (claimed.length === 0) return result;
      for (const email of claimed) {
        const outcome = await this.deliver(email);
        result[outcome] += 1;
        this.metrics.delivered.inc({ result: outcome });
      }
    }
  }

  private async deliver(email: ClaimedEmail): Promise<keyof EmailRound> {
    const base = this.env.APP_PUBLIC_URL.replace(/\/+$/, '');
    const token =
      email.user_id && email.unsubscribe_scope
        ? signUnsubscribeToken({ userId: email.user_id, scope: email.unsubscribe_scope }, this.env.UNSUBSCRIBE_TOKEN_SECRET)
        : null;
    const unsubscribeUrl = token ? `${base}/api/v1/unsubscribe/${token}` : null;
    const messageId = `<${email.id}@fpms.notifications>`;
    try {
      const rendered = renderEmail(email.template_id, email.data, { appUrl: base, unsubscribeUrl });
      const headers: Record<string, string> = unsubscribeUrl
        ? { 'List-Unsubscribe': `<${unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' }
        : {};
      await this.smtp.send({ messageId, from: this.env.EMAIL_FROM, to: email.to_address, ...rendered, headers });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const attempts = email.attempts + 1;
      if (isPermanentSmtpFailure(error) || attempts >= this.env.EMAIL_MAX_ATTEMPTS) {
        this.logger.warn(`email ${email.id} failed for good after ${attempts} attempt(s): ${message}`);
        await systemTransaction(this.system, (m) => this.repo.markFailed(m, email.id, message));
        return 'failed';
      }
      const delay = this.env.EMAIL_RETRY_BASE_MS * 2 ** (attempts - 1);
      await systemTransaction(this.system, (m) => this.repo.markRetry(m, email.id, new Date(this.clock.now().getTime() + delay), message));
      return 'retried';
    }
    await systemTransaction(this.system, (m) => this.repo.markSent(m, email.id, this.clock.now(), messageId));
    return 'sent';
  }
}
