import { Injectable } from '@nestjs/common';
import type { EarningsReportRequest, EarningsReportView } from '@fpms/contracts';
import { TenantTransactions } from '@fpms/database/tenant-transactions';
import { buildEarningsReport } from './earnings-report';
import { EarningsError } from './earnings.errors';
import { EarningsRepository } from './earnings.repository';

/** The account owner's earnings report, from the read model (never the ledger). */
@Injectable()
export class EarningsService {
  constructor(
    private readonly tx: TenantTransactions,
    private readonly earnings: EarningsRepository,
  ) {}

  report(caller: { userId: string; accountId?: string }, query: EarningsReportRequest): Promise<EarningsReportView> {
    const accountId = caller.accountId;
    if (!accountId) throw EarningsError.ownerRequired();
    return this.tx.run({ accountId, userId: caller.userId }, async (manager) =>
      buildEarningsReport(await this.earnings.sums(manager, accountId, query, query.groupBy), query),
    );
  }
}
