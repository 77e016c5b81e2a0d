import { Payload } from '@nestjs/microservices';
import { AccountErrorCode, AccountUsageRpc } from '@fpms/contracts';
import { AppError } from '@fpms/common/errors/app-error';
import { TenantTransactions } from '@fpms/database/tenant-transactions';
import { RpcController, RpcHandler, VerifiedRequest } from '@fpms/messaging';
import { StorageUsageRepository } from './storage-usage.repository';

/** The caller's own account's stored bytes, pending uploads' reservations included (billing's subscription page asks). */
@RpcController()
export class AccountStorageController {
  constructor(
    private readonly tx: TenantTransactions,
    private readonly usage: StorageUsageRepository,
  ) {}

  @RpcHandler(AccountUsageRpc.files)
  get(@Payload() rpc: VerifiedRequest<typeof AccountUsageRpc.files>) {
    const accountId = rpc.accountId;
    if (!accountId) throw new AppError(403, AccountErrorCode.AccountMismatch, 'The token acts for no account');
    return this.tx.run({ accountId, userId: rpc.userId }, async (manager) => {
      const usage = await this.usage.find(manager, accountId);
      return { storageUsedBytes: usage.usedBytes + usage.reservedBytes };
    });
  }
}
