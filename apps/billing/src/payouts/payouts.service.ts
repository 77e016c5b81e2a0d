import { Injectable } from '@nestjs/common';
import { PayoutListView } from '@fpms/contracts';
import { TenantTransactions } from '@fpms/database/tenant-transactions';
import { PayoutError } from './payouts.errors';
import { PayoutsRepository, toPayoutView } from './payouts.repository';

/** The owner's payouts, newest first, in keyset pages (`before` = the previous page's `nextBefore`). */
@Injectable()
export class PayoutsService {
  constructor(
    private readonly tx: TenantTransactions,
    private readonly payouts: PayoutsRepository,
  ) {}

  list(caller: { userId: string; accountId?: string }, query: { limit: number; before?: string }): Promise<PayoutListView> {
    const accountId = caller.accountId;
    if (!accountId) throw PayoutError.ownerRequired();
    return this.tx.run({ accountId, userId: caller.userId }, async (manager) => {
      const rows = await this.payouts.page(manager, accountId, query.limit + 1, query.before);
      const page = rows.slice(0, query.limit);
      return { items: page.map(toPayoutView), nextBefore: rows.length > query.limit ? page[page.length - 1].seq : null };
    });
  }
}
