import { Inject } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { AccountUsageRpc } from '@fpms/contracts';
import { Clock } from '@fpms/common/scheduling/clock';
import { TenantTransactions } from '@fpms/database/tenant-transactions';
import { RpcController, RpcHandler, VerifiedRequest } from '@fpms/messaging';
import { AccountError } from './account.errors';
import { AccountUsageRepository } from './account-usage.repository';

/** What the caller's own account uses of its plan (billing's subscription page asks, in the owner's name). */
@RpcController()
export class AccountUsageController {
  constructor(
    private readonly tx: TenantTransactions,
    private readonly usage: AccountUsageRepository,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  @RpcHandler(AccountUsageRpc.workspace)
  get(@Payload() rpc: VerifiedRequest<typeof AccountUsageRpc.workspace>) {
    const accountId = rpc.accountId;
    if (!accountId) throw AccountError.mismatch();
    return this.tx.run({ accountId, userId: rpc.userId }, (manager) => this.usage.usage(manager, accountId, this.clock.now()));
  }
}
