import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import Stripe from 'stripe';
import { DataSource } from 'typeorm';
import { Clock } from '@fpms/common/scheduling/clock';
import { ScheduledJob } from '@fpms/common/scheduling/scheduled-job';
import { SYSTEM_DATA_SOURCE } from '@fpms/database/database.module';
import { systemTransaction, type SystemManager } from '@fpms/database/tenant-manager';
import { releaseRetryDelaySeconds } from '../release/release-backoff';
import { STRIPE } from '../stripe/stripe-client';
import { AWAITING_EVIDENCE_STATUSES, Chargeback } from './chargeback';
import { assembleEvidence } from './chargeback-evidence';
import { CrossTenantChargebacksRepository } from './chargebacks.repository';
import { CrossTenantMilestoneActivityRepository } from './milestone-activity.repository';

export const CHARGEBACK_EVIDENCE_OPTIONS = Symbol('CHARGEBACK_EVIDENCE_OPTIONS');

/** A retry that would fall this close to (or past) Stripe's due date is moved before it. */
const LAST_TRY_BEFORE_DUE_MS = 15 * 60_000;

export interface ChargebackEvidenceOptions {
  /** 0 disables the loop (tests call runOnce). */
  pollIntervalMs: number;
  batchSize: number;
  /** The first retry's delay after a failed submission (doubling per attempt, at most an hour; release-backoff.ts). */
  retryBaseSeconds: number;
}

export interface EvidenceRound {
  submitted: number;
  failed: number;
  /** Stripe's due date passed before billing could submit: flagged, nothing sent. */
  flagged: number;
}

/**
 * Answers chargebacks for the freelancer: once a chargeback's submit time has come (a grace
 * period after it opened, and before Stripe's due date) and nobody chose to answer it
 * personally, the evidence is assembled from billing's record of the milestone and submitted
 * with disputes.update. Each chargeback is claimed FOR UPDATE SKIP LOCKED and stays locked
 * until its outcome commits, so every replica may run it and one submission happens once.
 * A failed submission is retried with backoff (as a deferred release), never past Stripe's
 * due date: a chargeback still unanswered then is flagged for a human and nothing is sent late.
 */
@Injectable()
export class ChargebackEvidenceWorker extends ScheduledJob<EvidenceRound> {
  private readonly logger = new Logger(ChargebackEvidenceWorker.name);

  constructor(
    @InjectDataSource(SYSTEM_DATA_SOURCE) private readonly system: DataSource,
    @Inject(STRIPE) private readonly stripe: Stripe,
    private readonly chargebacks: CrossTenantChargebacksRepository,
    private readonly activity: CrossTenantMilestoneActivityRepository,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(CHARGEBACK_EVIDENCE_OPTIONS) private readonly options: ChargebackEvidenceOptions,
  ) {
    super(ChargebackEvidenceWorker.name, options.pollIntervalMs);
  }

  protected async round(): Promise<EvidenceRound> {
    return systemTransaction(this.system, async (manager) => {
      const round: EvidenceRound = { submitted: 0, failed: 0, flagged: 0 };
      for (const chargeback of await this.chargebacks.claimDueEvidence(manager, this.clock.now(), this.options.batchSize)) {
        round[await this.submitOne(manager, chargeback)] += 1;
      }
      return round;
    });
  }

  private async submitOne(manager: SystemManager, chargeback: Chargeback): Promise<keyof EvidenceRound> {
    const dispute = await this.stripe.disputes.retrieve(chargeback.id);
    const now = this.clock.now();
    if (!AWAITING_EVIDENCE_STATUSES.includes(dispute.status) || dispute.evidence_details.submission_count > 0) {
      // Answered already (a retry after our own commit failed, or someone in the Dashboard), or closed: nothing to send.
      chargeback.evidenceSubmittedAt = now;
      chargeback.stripeStatus = dispute.status;
      await this.chargebacks.save(manager, chargeback);
      return 'submitted';
    }
    const due = dispute.evidence_details?.due_by ? new Date(dispute.evidence_details.due_by * 1000) : chargeback.evidenceDueBy;
    if (due && due.getTime() <= now.getTime()) {
      chargeback.evidenceFlaggedAt = now;
      chargeback.evidenceLastError = `Stripe's due date ${due.toISOString()} passed before the evidence was submitted${
        chargeback.evidenceLastError ? ` (last failure: ${chargeback.evidenceLastError})` : ''
      }`.slice(0, 500);
      await this.chargebacks.save(manager, chargeback);
      this.logger.error(`chargeback ${chargeback.id}: past Stripe's due date without evidence; flagged for a human`);
      return 'flagged';
    }
    const order = { milestoneId: chargeback.milestoneId, amount: chargeback.amount, currency: chargeback.currency };
    const evidence = assembleEvidence(order, await this.activity.list(manager, chargeback.milestoneId));
    try {
      await this.stripe.disputes.update(
        chargeback.id,
        { evidence, submit: true },
        { idempotencyKey: `chargeback-evidence:${chargeback.id}` },
      );
    } catch (error) {
      chargeback.evidenceAttempts += 1;
      chargeback.evidenceLastError = `Stripe: ${(error as Error).message}`.slice(0, 500);
      chargeback.evidenceSubmitAt = this.nextAttemptAt(now, chargeback.evidenceAttempts, due);
      await this.chargebacks.save(manager, chargeback);
      this.logger.warn(
        `evidence for chargeback ${chargeback.id} not submitted (attempt ${chargeback.evidenceAttempts}, next ${chargeback.evidenceSubmitAt.toISOString()}): ${chargeback.evidenceLastError}`,
      );
      return 'failed';
    }
    chargeback.evidence = { ...evidence };
    chargeback.evidenceSubmittedAt = now;
    chargeback.evidenceLastError = null;
    await this.chargebacks.save(manager, chargeback);
    return 'submitted';
  }

  /** The backoff's next attempt, but one last try before the due date rather than none. */
  private nextAttemptAt(now: Date, attempts: number, due: Date | null): Date {
    const next = new Date(now.getTime() + releaseRetryDelaySeconds(attempts, this.options.retryBaseSeconds) * 1000);
    if (!due || next.getTime() < due.getTime() - LAST_TRY_BEFORE_DUE_MS) return next;
    return new Date(Math.max(now.getTime(), due.getTime() - LAST_TRY_BEFORE_DUE_MS));
  }
}
