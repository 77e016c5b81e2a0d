import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '@fpms/common/scheduling/clock';
import { ScheduledJob } from '@fpms/common/scheduling/scheduled-job';
import { SYSTEM_DATA_SOURCE } from '@fpms/database/database.module';
import { systemTransaction } from '@fpms/database/tenant-manager';
import { CrossTenantOrdersRepository } from '../payments/orders.repository';
import { refundableOf } from './refund';
import { RefundExecutor } from './refund-executor';
import { RefundRequestsRepository, RefundsRepository } from './refunds.repository';

export const REFUNDS_WORKER_OPTIONS = Symbol('REFUNDS_WORKER_OPTIONS');

export interface RefundsWorkerOptions {
  /** Poll interval; 0 disables the loop (tests call runOnce). */
  pollIntervalMs: number;
  batchSize: number;
}

export interface RefundsRound {
  autoAccepted: number;
  refunded: number;
  deferred: number;
}

/**
 * Billing's own timer for refund requests (not the workspace's review timers: the decision
 * moves money, so it lives with the order, on billing's Clock): a request the owner has not
 * answered by its `due_at` is accepted, and everything left is refunded. The same round
 * retries refunds Stripe could not do yet. Every replica runs it; each item is taken under
 * its order's lock, and a row already handled by another replica is passed over.
 */
@Injectable()
export class RefundsWorker extends ScheduledJob<RefundsRound> {
  constructor(
    @InjectDataSource(SYSTEM_DATA_SOURCE) private readonly system: DataSource,
    private readonly orders: CrossTenantOrdersRepository,
    private readonly refunds: RefundsRepository,
    private readonly requests: RefundRequestsRepository,
    private readonly executor: RefundExecutor,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(REFUNDS_WORKER_OPTIONS) private readonly options: RefundsWorkerOptions,
  ) {
    super(RefundsWorker.name, options.pollIntervalMs);
  }

  protected async round(): Promise<RefundsRound> {
    const round: RefundsRound = { autoAccepted: 0, refunded: 0, deferred: 0 };
    const dueRequests = await systemTransaction(this.system, (m) => this.requests.dueIds(m, this.clock.now(), this.options.batchSize));
    for (const due of dueRequests) if (await this.autoAccept(due.orderId, due.milestoneId)) round.autoAccepted += 1;
    const dueRefunds = await systemTransaction(this.system, (m) => this.refunds.dueIds(m, this.clock.now(), this.options.batchSize));
    for (const due of dueRefunds) {
      const outcome = await this.executor.run(due.id, due.orderId);
      if (outcome?.status === 'succeeded') round.refunded += 1;
      else round.deferred += 1;
    }
    return round;
  }

  /** Accepts the request if it is still open and due, recording the refund the next step carries out. */
  private autoAccept(orderId: string, milestoneId: string): Promise<boolean> {
    return systemTransaction(this.system, async (manager) => {
      const order = await this.orders.lockById(manager, orderId);
      const request = await this.requests.lockOpen(manager, milestoneId);
      const now = this.clock.now();
      if (!order || !request || request.dueAt.getTime() > now.getTime()) return false;
      const remaining = refundableOf(order, await this.refunds.pendingTotal(manager, order.id));
      if (remaining === 0 || order.disputed > 0) {
        await this.requests.decide(manager, { ...request, status: 'settled', decidedAt: now, decidedBy: 'auto' });
        return false;
      }
      const id = randomUUID();
      await this.refunds.insert(manager, order, {
        id,
        amount: remaining,
        initiatedBy: 'auto',
        userId: null,
        requestId: request.id,
        reason: null,
        now,
      });
      await this.requests.decide(manager, { ...request, status: 'accepted', decidedAt: now, decidedBy: 'auto', refundId: id });
      return true;
    });
  }
}
