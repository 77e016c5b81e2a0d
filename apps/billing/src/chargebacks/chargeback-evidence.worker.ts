import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import Stripe from 'stripe';
import { DataSource } from 'typeorm';
import { Clock } from '@fpms/common/scheduling/clock';
import { ScheduledJob } from '@fpms/common/scheduling/scheduled-job';
import { SYSTEM_DATA_SOURCE } from '@fpms/database/database.module';
import { systemTransaction, type SystemManager } from '@fpms/database/tenant-manager';
import { STRIPE } from '../stripe/stripe-client';
import { AWAITING_EVIDENCE_STATUSES, Chargeback } from './chargeback';
import { assembleEvidence } from './chargeback-evidence';
import { CrossTenantChargebacksRepository } from './chargebacks.repository';
import { CrossTenantMilestoneActivityRepository } from './milestone-activity.repository';

export const CHARGEBACK_EVIDENCE_OPTIONS = Symbol('CHARGEBACK_EVIDENCE_OPTIONS');

export interface ChargebackEvidenceOptions {
  /** 0 disables the loop (tests call runOnce). */
  pollIntervalMs: number;
  batchSize: number;
}

export interface EvidenceRound {
  submitted: number;
  failed: number;
}

/**
 * Answers chargebacks for the freelancer: once a chargeback's submit time has come (a grace
 * period after it opened, and before Stripe's due date) and nobody chose to answer it
 * personally, the evidence is assembled from billing's record of the milestone and submitted
 * with disputes.update. Each chargeback is claimed FOR UPDATE SKIP LOCKED and stays locked
 * until its outcome commits, so every replica may run it and one submission happens once.
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
      const round: EvidenceRound = { submitted: 0, failed: 0 };
      for (const chargeback of await this.chargebacks.claimDueEvidence(manager, this.clock.now(), this.options.batchSize)) {
        if (await this.submitOne(manager, chargeback)) round.submitted += 1;
        else round.failed += 1;
      }
      return round;
    });
  }

  private async submitOne(manager: SystemManager, chargeback: Chargeback): Promise<boolean> {
    const dispute = await this.stripe.disputes.retrieve(chargeback.id);
    const now = this.clock.now();
    if (!AWAITING_EVIDENCE_STATUSES.includes(dispute.status) || dispute.evidence_details.submission_count > 0) {
      // Answered already (a retry after our own commit failed, or someone in the Dashboard), or closed: nothing to send.
      chargeback.evidenceSubmittedAt = now;
      chargeback.stripeStatus = dispute.status;
      await this.chargebacks.save(manager, chargeback);
      return true;
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
      chargeback.evidenceLastError = `Stripe: ${(error as Error).message}`.slice(0, 500);
      await this.chargebacks.save(manager, chargeback);
      this.logger.warn(`evidence for chargeback ${chargeback.id} not submitted: ${chargeback.evidenceLastError}`);
      return false;
    }
    chargeback.evidence = { ...evidence };
    chargeback.evidenceSubmittedAt = now;
    chargeback.evidenceLastError = null;
    await this.chargebacks.save(manager, chargeback);
    return true;
  }
}
