import { Injectable } from '@nestjs/common';
import { PaymentMethodSetupView, WorkspaceRpc } from '@fpms/contracts';
import { HourlyBillingErrorCode } from '@fpms/contracts/errors';
import { WorkspaceAction } from '@fpms/auth/permissions';
import { TenantTransactions } from '@fpms/database/tenant-transactions';
import { RpcClient } from '@fpms/messaging/rpc/rpc-client';
import type { VerifiedRpc } from '@fpms/messaging/rpc/verified-rpc';
import { callerContext } from '../payments/caller-context';
import { paymentProviderCall } from '../payments/checkout-attempts';
import { HourlyBillingError } from './hourly-billing.errors';
import { HourlyContractsRepository } from './hourly-contracts.repository';
import { PaymentMethodSetups } from './payment-method-setups';

/**
 * Saving the card that pays an hourly contract's weeks: the client admin (who accepts the
 * contract, and so pays for it) gets a setup-mode Checkout page. The contract row is locked
 * while the customer and the session are made, so concurrent clicks make one customer.
 */
@Injectable()
export class PaymentMethodService {
  constructor(
    private readonly tx: TenantTransactions,
    private readonly rpc: RpcClient,
    private readonly contracts: HourlyContractsRepository,
    private readonly setups: PaymentMethodSetups,
  ) {}

  async save(caller: VerifiedRpc<unknown>, workspaceId: string): Promise<PaymentMethodSetupView> {
    const ctx = callerContext(caller, workspaceId);
    const grant = await this.rpc.call(WorkspaceRpc.authorize, { workspaceId, action: WorkspaceAction.AcceptHourlyContract }, ctx);
    return this.tx.run({ accountId: grant.accountId, workspaceId }, async (manager) => {
      const contract = await this.contracts.lockOfWorkspace(manager, workspaceId);
      if (!contract)
        throw new HourlyBillingError(404, HourlyBillingErrorCode.ContractNotFound, 'This workspace has no hourly contract to pay');
      if (contract.status !== 'active') {
        throw new HourlyBillingError(
          409,
          HourlyBillingErrorCode.ContractNotActive,
          `A ${contract.status} hourly contract takes no payment method`,
          {
            status: contract.status,
          },
        );
      }
      if (!contract.stripeCustomerId)
        contract.stripeCustomerId = (await paymentProviderCall(() => this.setups.createCustomer(contract))).id;
      contract.setupAttempt += 1;
      const session = await paymentProviderCall(() => this.setups.createSession(contract, caller.userId));
      await this.contracts.saveSetup(manager, contract);
      return { url: session.url as string };
    });
  }
}
